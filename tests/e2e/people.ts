import type { TestPerson } from '../support/test-server.ts';

/** The contact database the e2e tests run against. */
export const PEOPLE = {
  ada: {
    slug: 'ada-lovelace',
    name: 'Ada Lovelace',
    b2bEmails: ['ada@analytical-engines.example'],
    phones: ['mobile:+44 7700 900123', 'landline:+44 20 7946 0958'],
    directEmails: ['ada.lovelace@mail.example'],
  },
  alan: {
    slug: 'alan-turing',
    name: 'Alan Turing',
    b2bEmails: ['alan@bletchley.example'],
    phones: ['mobile:+44 7700 900001', 'mobile:+44 7700 900002', 'landline:+44 1908 640404'],
  },
  grace: { slug: 'grace-hopper', name: 'Grace Hopper', b2bEmails: ['grace@navy.example'] },
  nobody: { slug: 'nobody-known', name: 'Nobody Known' },
  katherine: {
    slug: 'katherine-johnson',
    name: 'Katherine Johnson',
    b2bEmails: ['katherine@nasa.example'],
    phones: ['mobile:+1 757 555 0100'],
  },
} satisfies Record<string, TestPerson>;

/** People in the database; `nobody` is absent on purpose (R4). */
export const IMPORTED: TestPerson[] = [PEOPLE.ada, PEOPLE.alan, PEOPLE.grace, PEOPLE.katherine];

/**
 * A lead whose address LinkedIn writes in two ways (`/in/J%C3%A9r%C3%B4me-Dupont/` and
 * `/in/jérôme-dupont/…`): one slug, so one charge. Imported by the test that needs him.
 */
export const JEROME = {
  slug: 'jérôme-dupont',
  name: 'Jérôme Dupont',
  phones: ['mobile:+33 6 12 34 56 78'],
} satisfies TestPerson;
