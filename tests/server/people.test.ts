/** The people CSV: several values per cell with `|`, phone kinds, canonical slugs. */
import { describe, expect, it } from 'vitest';
import { ImportError, importPeopleCsv, parsePeopleCsv } from '../../server/people.ts';
import { BACKENDS, client, newWorkspace, useHarness } from './harness.ts';

const HEADER = 'linkedin_url,full_name,headline,company,location,b2b_emails,phones,direct_emails';

const CSV = [
  HEADER,
  'https://www.linkedin.com/in/J%C3%A9r%C3%B4me-Martin/,Jérôme Martin,"Sales, EMEA",Acme,"Lyon, France",jm@acme.example|jerome@acme.example,mobile:+33 6 00 00 00 01|landline:+33 4 00 00 00 02| +33 1 00 00 00 03 ,jerome@mail.example',
  'https://linkedin.com/in/only-email?trk=abc,Only Email,,,,only@corp.example,,',
  '/in/PHONE-ONLY/details/experience/,"Phone ""Only"" Person",,,,, Mobile : +1 555 0100 ,',
].join('\r\n');

describe('parsing the people CSV', () => {
  it('reads pipes, phone kinds, quoted cells and canonical slugs', () => {
    const rows = parsePeopleCsv('\uFEFF' + CSV);
    expect(rows.map((r) => r.slug)).toEqual(['jérôme-martin', 'only-email', 'phone-only']);
    const [jerome, onlyEmail, phoneOnly] = rows;
    expect(jerome).toMatchObject({
      fullName: 'Jérôme Martin',
      headline: 'Sales, EMEA',
      company: 'Acme',
      location: 'Lyon, France',
      b2bEmail: [{ value: 'jm@acme.example' }, { value: 'jerome@acme.example' }],
      phone: [
        { value: '+33 6 00 00 00 01', phoneKind: 'mobile' },
        { value: '+33 4 00 00 00 02', phoneKind: 'landline' },
        { value: '+33 1 00 00 00 03', phoneKind: null },
      ],
      directEmail: [{ value: 'jerome@mail.example' }],
    });
    expect(onlyEmail).toMatchObject({ headline: null, phone: [], directEmail: [] });
    expect(phoneOnly).toMatchObject({
      fullName: 'Phone "Only" Person',
      phone: [{ value: '+1 555 0100', phoneKind: 'mobile' }],
    });
  });

  it('refuses a row whose URL is not a profile, naming the line', () => {
    expect(() =>
      parsePeopleCsv(`${HEADER}\nhttps://www.linkedin.com/in/ok,Ok,,,,,,\nhttps://example.com/company/x,Bad,,,,,,`),
    ).toThrow(
      new ImportError('CSV line 3: linkedin_url is not a profile URL (/in/...): https://example.com/company/x'),
    );
    expect(() => parsePeopleCsv(`${HEADER}\nhttps://evil.example/in/jane,Jane,,,,,,`)).toThrow(
      /CSV line 2: linkedin_url is not a profile URL/,
    );
    expect(() => parsePeopleCsv('name,email\nx,y')).toThrow(/linkedin_url/);
  });
});

describe.each(BACKENDS)('importing people on %s', (backend) => {
  const h = useHarness(backend);

  it('imports people that reveals then serve, and a re-import replaces their contacts', async () => {
    expect(await importPeopleCsv(h.db, CSV)).toEqual({ imported: 3 });
    const api = client(h.fetcher, (await newWorkspace(h.db)).admin.apiKey);
    const answer = await api.reveal('Jérôme-Martin', ['phone', 'b2bEmail']);
    expect(answer.lead).toBe('jérôme-martin');
    expect(answer.results.phone).toMatchObject({
      status: 'revealed',
      charged: true,
      values: [
        { value: '+33 6 00 00 00 01', phoneKind: 'mobile', verifiedAt: null },
        { value: '+33 4 00 00 00 02', phoneKind: 'landline', verifiedAt: null },
        { value: '+33 1 00 00 00 03', verifiedAt: null },
      ],
    });
    expect(answer.balances.phone.remaining).toBe(9);
    await importPeopleCsv(h.db, `${HEADER}\nhttps://www.linkedin.com/in/only-email,Only Email,,,,new@corp.example,,`);
    const again = await api.reveal('only-email', ['b2bEmail']);
    expect(again.results.b2bEmail).toMatchObject({ values: [{ value: 'new@corp.example' }] });
  });

  it('decodes a profile URL once: the API finds a slug with a % under the slug the import made', async () => {
    await importPeopleCsv(
      h.db,
      [
        HEADER,
        'https://www.linkedin.com/in/100%2525-sales/,Hundred Percent,,,,hp@sales.example,,',
        'www.linkedin.com/in/no-scheme,No Scheme,,,,ns@corp.example,,',
      ].join('\n'),
    );
    const { rows } = await h.db.query<{ slug: string }>(
      "SELECT slug FROM people WHERE slug IN ('100%25-sales', 'no-scheme') ORDER BY slug",
    );
    expect(rows.map((r) => r.slug)).toEqual(['100%25-sales', 'no-scheme']);
    const api = client(h.fetcher, (await newWorkspace(h.db)).admin.apiKey);
    // client.availability percent-encodes the slug into the path (100%2525-sales).
    expect(await api.availability('100%25-sales')).toMatchObject({
      lead: '100%25-sales',
      available: { b2bEmail: true },
    });
    const answer = await api.reveal('100%25-sales', ['b2bEmail']);
    expect(answer.lead).toBe('100%25-sales');
    expect(answer.results.b2bEmail).toMatchObject({ status: 'revealed', values: [{ value: 'hp@sales.example' }] });
    expect((await api.reveal('no-scheme', ['b2bEmail'])).results.b2bEmail).toMatchObject({ status: 'revealed' });
  });
});
