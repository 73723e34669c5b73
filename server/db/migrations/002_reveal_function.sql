-- The reveal transaction (R2, R3, R4, R7) as one server-side call, so a reveal is one round
-- trip and the pool's balance row (the hot spot) stays locked only while Postgres runs it,
-- never while it waits on a busy Node event loop. Called on its own it is its own
-- transaction; inside an explicit one (after a renewal) it joins it.
--
-- For each wanted type with data: claim (pool, lead, type) once with the unique key; debit a
-- new claim with a guarded update (remaining >= 1) and append it to the ledger; a claim that
-- finds no credit is undone. It builds the API answer (RevealResponse in shared/api.ts) as
-- JSON text and, given an idempotency key, stores that text as the key's response in the
-- same transaction: a replay sends these very bytes.
--
-- p_types is in the request's order (the answer lists results in that order). Claims go in
-- type order, and before the debit the pool's balance rows of the claimed types are locked in
-- type order (FOR NO KEY UPDATE, the lock the UPDATE takes anyway): an UPDATE has no ORDER
-- BY and would lock them in scan order, so concurrent reveals of several types deadlocked.
-- Renewal (server/renewal.ts) locks a pool's balance rows in the same order.
-- Keep to what Postgres 15 supports (PGlite is 18).
CREATE FUNCTION reveal_lead(
  p_pool text,
  p_lead text,
  p_user text,
  p_at timestamptz,
  p_types text[],
  p_key text
) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_claimed text[];
  v_debited text[] := '{}';
  v_refused text[] := '{}';
  v_values json;
  v_body text;
BEGIN
  -- Read the values and claim each type that has data, in one statement (one snapshot).
  WITH found AS (
    SELECT c.type, c.position, c.value, c.phone_kind, c.verified_at FROM contacts c
     WHERE c.slug = p_lead AND c.type = ANY (p_types)
  ), claimed AS (
    INSERT INTO reveals (pool_id, lead, type, user_id, revealed_at)
    SELECT DISTINCT p_pool, p_lead, f.type, p_user, p_at FROM found f ORDER BY 3
    ON CONFLICT DO NOTHING RETURNING reveals.type
  ), grouped AS (
    SELECT f.type, json_agg(
             CASE WHEN f.type = 'phone' AND f.phone_kind IS NOT NULL
               THEN json_build_object('value', f.value, 'phoneKind', f.phone_kind, 'verifiedAt',
                      to_char(f.verified_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
               ELSE json_build_object('value', f.value, 'verifiedAt',
                      to_char(f.verified_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
             END ORDER BY f.position) AS vals
      FROM found f GROUP BY f.type
  )
  SELECT (SELECT coalesce(array_agg(cl.type ORDER BY cl.type), '{}') FROM claimed cl),
         (SELECT json_object_agg(g.type, g.vals) FROM grouped g)
    INTO v_claimed, v_values;

  IF cardinality(v_claimed) > 0 THEN
    -- Lock the pool's balance rows of the claimed types in type order first. The debit below
    -- is an UPDATE, which takes its row locks in scan order (it has no ORDER BY), so two
    -- reveals of several types on one pool could each hold one row and wait for the other's.
    PERFORM 1 FROM balances b WHERE b.pool_id = p_pool AND b.type = ANY (v_claimed)
      ORDER BY b.type FOR NO KEY UPDATE;
    -- The guarded debit: a claim whose type has no credit left is refused.
    WITH debited AS (
      UPDATE balances b SET remaining = b.remaining - 1, used = b.used + 1
       WHERE b.pool_id = p_pool AND b.type = ANY (v_claimed) AND b.remaining >= 1
      RETURNING b.type
    ), entries AS (
      INSERT INTO ledger (pool_id, type, delta, reason, lead, user_id, idempotency_key, at)
      SELECT p_pool, d.type, -1, 'reveal', p_lead, p_user, p_key, p_at FROM debited d
    )
    SELECT coalesce(array_agg(d.type), '{}') INTO v_debited FROM debited d;

    IF cardinality(v_debited) < cardinality(v_claimed) THEN
      -- Out of credits (R7): the claim goes too, so nothing says this pool paid.
      v_refused := ARRAY(SELECT unnest(v_claimed) EXCEPT SELECT unnest(v_debited));
      DELETE FROM reveals r WHERE r.pool_id = p_pool AND r.lead = p_lead AND r.type = ANY (v_refused);
    END IF;
  END IF;

  -- The answer. The balances are read by a new statement (a fresh snapshot in READ
  -- COMMITTED): they include this debit, and after a refusal they show what is really left.
  WITH bal AS (
    SELECT k.type, k.n, coalesce(b.remaining, 0) AS remaining, coalesce(b.monthly_allotment, 0) AS monthly_allotment,
           coalesce(b.add_on, 0) AS add_on, coalesce(b.used, 0) AS used
      FROM unnest(ARRAY['b2bEmail', 'phone', 'directEmail', 'export']) WITH ORDINALITY AS k (type, n)
      LEFT JOIN balances b ON b.pool_id = p_pool AND b.type = k.type
  )
  SELECT json_build_object(
           'lead', p_lead,
           'results', (
             SELECT coalesce(json_object_agg(t.type,
                      CASE
                        WHEN v_values IS NULL OR (v_values -> t.type) IS NULL
                          THEN json_build_object('status', 'notFound')
                        WHEN t.type = ANY (v_refused)
                          THEN json_build_object('status', 'insufficientCredits', 'remaining',
                                 (SELECT bal.remaining FROM bal WHERE bal.type = t.type))
                        ELSE json_build_object('status', 'revealed', 'charged', t.type = ANY (v_debited),
                               'values', v_values -> t.type)
                      END ORDER BY t.n), '{}'::json)
               FROM unnest(p_types) WITH ORDINALITY AS t (type, n)),
           'balances', (
             SELECT json_object_agg(bal.type, json_build_object('remaining', bal.remaining,
                      'monthlyAllotment', bal.monthly_allotment, 'addOn', bal.add_on, 'used', bal.used)
                      ORDER BY bal.n)
               FROM bal)
         )::text
    INTO v_body;

  IF p_key IS NOT NULL THEN
    UPDATE idempotency_keys k SET state = 'done', status_code = 200, response = v_body::json, updated_at = p_at
     WHERE k.pool_id = p_pool AND k.key = p_key;
  END IF;
  RETURN v_body;
END;
$$;
