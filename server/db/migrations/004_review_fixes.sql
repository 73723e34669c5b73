-- Correctness fixes for teams and idempotency (review of issue 6), without touching what 001
-- to 003 made on other databases. Keep to what Postgres 15 supports (PGlite is 18).
--
-- 1. An idempotency claim has an owner: the token of the request that holds it. A request
--    that looked abandoned (in flight past a minute) can be taken over by a retry; the
--    original, if it was only slow, finds it no longer owns the key when it stores its answer
--    and rolls its work back, so the same key is never worked twice.
ALTER TABLE idempotency_keys ADD COLUMN owner text;

-- 2. reveal_lead as in 003, plus:
--    - the caller's user row is locked FOR SHARE and must be active: a member removed while
--      their reveal was in flight is not charged after the removal answered (the removal waits
--      for the reveal; a reveal that comes after finds the member removed); and the member must
--      still spend from this pool (a plan upgrade that committed meanwhile moved them);
--    - the pool's period is read again after the balance lock: a renewal that slipped in
--      between makes the transaction fail with a serialization failure, retried by the server,
--      so member usage and the pool's balance always land in the same period;
--    - the answer names the pool (`pool`), so a client that learns its pool changed (a plan
--      upgrade) files the answer under the right pool;
--    - the answer is stored under the key only by the key's owner (p_owner).
DROP FUNCTION reveal_lead(text, text, text, timestamptz, text[], text);

CREATE FUNCTION reveal_lead(
  p_pool text,
  p_lead text,
  p_user text,
  p_at timestamptz,
  p_types text[],
  p_key text,
  p_owner text
) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_claimed text[];
  v_counted text[] := '{}';
  v_debited text[] := '{}';
  v_over_limit text[] := '{}';
  v_no_credit text[] := '{}';
  v_refused text[] := '{}';
  v_period timestamptz;
  v_limited text[];
  v_limits json := '{}';
  v_values json;
  v_body text;
  v_active boolean;
  v_in_pool boolean;
  v_period_now timestamptz;
BEGIN
  -- Read the values and claim each type that has data, in one statement (one snapshot); in
  -- the same statement, the pool's period and which types this member has a limit on. Each
  -- statement costs (about 0.2 ms on PGlite), so the common case, a member with no limit,
  -- runs one statement more than 002 did: the count of their usage.
  WITH member AS (
    -- The caller is still a member: their row locked FOR SHARE until this transaction ends,
    -- so a removal (an UPDATE of the row) waits for the reveals in flight, and a reveal that
    -- waited for a removal finds the member removed and spends nothing.
    SELECT u.id, u.pool_id FROM users u WHERE u.id = p_user AND u.removed_at IS NULL FOR SHARE
  ), found AS (
    SELECT c.type, c.position, c.value, c.phone_kind, c.verified_at FROM contacts c
     WHERE c.slug = p_lead AND c.type = ANY (p_types)
  ), claimed AS (
    INSERT INTO reveals (pool_id, lead, type, user_id, revealed_at)
    SELECT DISTINCT p_pool, p_lead, f.type, p_user, p_at FROM found f WHERE EXISTS (SELECT 1 FROM member m WHERE m.pool_id = p_pool) ORDER BY 3
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
         (SELECT json_object_agg(g.type, g.vals) FROM grouped g),
         (SELECT p.period_start FROM pools p WHERE p.id = p_pool),
         (SELECT coalesce(array_agg(l.type), '{}') FROM member_limits l WHERE l.user_id = p_user),
         EXISTS (SELECT 1 FROM member),
         EXISTS (SELECT 1 FROM member m WHERE m.pool_id = p_pool)
    INTO v_claimed, v_values, v_period, v_limited, v_active, v_in_pool;

  IF NOT v_active THEN
    -- Removed (or unknown): the API answers 401 as for a key that no longer works.
    RAISE EXCEPTION 'user % is not an active member', p_user USING ERRCODE = 'LL401';
  END IF;
  IF NOT v_in_pool THEN
    -- The workspace moved to a paid plan while this reveal waited (server/upgrade.ts): the
    -- member spends from the shared pool now. The API answers 409 (retry): the retry finds
    -- the member's new pool.
    RAISE EXCEPTION 'user % no longer spends from pool %', p_user, p_pool USING ERRCODE = 'LL412';
  END IF;

  IF cardinality(v_claimed) > 0 THEN
    -- R11: count each claim as this member's, rows in type order (locking them: a concurrent
    -- reveal of the same member waits here). A limit set after the statement above was read
    -- applies from the member's next reveal, as if this one had come first.
    IF NOT (v_limited && v_claimed) THEN
      INSERT INTO member_usage AS u (pool_id, user_id, type, period_start, used)
      SELECT p_pool, p_user, t.type, v_period, 1 FROM unnest(v_claimed) AS t (type) ORDER BY t.type
      ON CONFLICT (pool_id, user_id, type, period_start) DO UPDATE SET used = u.used + 1;
      v_counted := v_claimed;
    ELSE
      -- A limited type is counted only while under the limit: the first reveal of the period
      -- inserts 1 (unless the limit is 0), later ones add 1 only while `used < limit`. A
      -- reveal that waited for the row re-checks the guard against the updated count (READ
      -- COMMITTED re-evaluates it on the row it waited for), so none passes the limit.
      WITH counted AS (
        INSERT INTO member_usage AS u (pool_id, user_id, type, period_start, used)
        SELECT p_pool, p_user, t.type, v_period, 1
          FROM unnest(v_claimed) AS t (type)
          LEFT JOIN member_limits l ON l.user_id = p_user AND l.type = t.type
         WHERE l.monthly_limit IS NULL OR l.monthly_limit >= 1
         ORDER BY t.type
        ON CONFLICT (pool_id, user_id, type, period_start) DO UPDATE SET used = u.used + 1
         WHERE u.used < coalesce(
                 (SELECT l.monthly_limit FROM member_limits l WHERE l.user_id = u.user_id AND l.type = u.type),
                 2147483647)
        RETURNING u.type
      )
      SELECT coalesce(array_agg(c.type ORDER BY c.type), '{}') INTO v_counted FROM counted c;
      v_over_limit := ARRAY(SELECT unnest(v_claimed) EXCEPT SELECT unnest(v_counted));
    END IF;

    IF cardinality(v_counted) > 0 THEN
      -- Lock the pool's balance rows of the counted types in type order first. The debit below
      -- is an UPDATE, which takes its row locks in scan order (it has no ORDER BY), so two
      -- reveals of several types on one pool could each hold one row and wait for the other's.
      PERFORM 1 FROM balances b WHERE b.pool_id = p_pool AND b.type = ANY (v_counted)
        ORDER BY b.type FOR NO KEY UPDATE;
      -- The guarded debit: a claim whose type has no credit left is refused (R7).
      WITH debited AS (
        UPDATE balances b SET remaining = b.remaining - 1, used = b.used + 1
         WHERE b.pool_id = p_pool AND b.type = ANY (v_counted) AND b.remaining >= 1
        RETURNING b.type
      ), entries AS (
        INSERT INTO ledger (pool_id, type, delta, reason, lead, user_id, idempotency_key, at)
        SELECT p_pool, d.type, -1, 'reveal', p_lead, p_user, p_key, p_at FROM debited d
      )
      SELECT coalesce(array_agg(d.type), '{}'), (SELECT p.period_start FROM pools p WHERE p.id = p_pool)
        INTO v_debited, v_period_now FROM debited d;

      IF v_period_now IS DISTINCT FROM v_period THEN
        -- A renewal committed between the first statement and the balance lock (renewal holds
        -- the balance rows until it commits, so this statement's snapshot sees it): the usage
        -- above went to the old period while the debit hit the new one. Undo it all; the
        -- server retries the whole transaction, which then reads the new period.
        RAISE EXCEPTION 'the pool renewed during this reveal' USING ERRCODE = '40001';
      END IF;

      IF cardinality(v_debited) < cardinality(v_counted) THEN
        -- The pool refused: this member did not spend these after all.
        v_no_credit := ARRAY(SELECT unnest(v_counted) EXCEPT SELECT unnest(v_debited));
        UPDATE member_usage u SET used = u.used - 1
         WHERE u.pool_id = p_pool AND u.user_id = p_user AND u.period_start = v_period
           AND u.type = ANY (v_no_credit);
      END IF;
    END IF;

    IF cardinality(v_debited) < cardinality(v_claimed) THEN
      -- Refused (R7, R11): the claim goes too, so nothing says this pool paid.
      v_refused := ARRAY(SELECT unnest(v_claimed) EXCEPT SELECT unnest(v_debited));
      DELETE FROM reveals r WHERE r.pool_id = p_pool AND r.lead = p_lead AND r.type = ANY (v_refused);
    END IF;
  END IF;

  IF cardinality(v_limited) > 0 THEN
    -- The member's limits after this reveal, in R1's type order. A limit cleared meanwhile is
    -- gone from here; a type refused by it still reports what it found (below).
    SELECT coalesce(json_object_agg(l.type, json_build_object('limit', l.monthly_limit, 'used', coalesce(u.used, 0),
             'remaining', greatest(0, l.monthly_limit - coalesce(u.used, 0))) ORDER BY k.n), '{}'::json)
      INTO v_limits
      FROM member_limits l
      JOIN unnest(ARRAY['b2bEmail', 'phone', 'directEmail', 'export']) WITH ORDINALITY AS k (type, n)
        ON k.type = l.type
      LEFT JOIN member_usage u
        ON u.pool_id = p_pool AND u.user_id = p_user AND u.type = l.type AND u.period_start = v_period
     WHERE l.user_id = p_user;
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
           'pool', p_pool,
           'results', (
             SELECT coalesce(json_object_agg(t.type,
                      CASE
                        WHEN v_values IS NULL OR (v_values -> t.type) IS NULL
                          THEN json_build_object('status', 'notFound')
                        -- Refused by the limit: nothing left for this member at that moment.
                        -- The usage row is still locked by this transaction; the limit is
                        -- read again, and an admin who just cleared it finds `limit` = `used`.
                        WHEN t.type = ANY (v_over_limit)
                          THEN (SELECT json_build_object('status', 'insufficientCredits', 'remaining', 0,
                                  'reason', 'memberLimit', 'limit', coalesce(l.monthly_limit, coalesce(u.used, 0)),
                                  'used', coalesce(u.used, 0))
                                  FROM (SELECT 1) one
                                  LEFT JOIN member_limits l ON l.user_id = p_user AND l.type = t.type
                                  LEFT JOIN member_usage u ON u.pool_id = p_pool AND u.user_id = p_user
                                   AND u.type = t.type AND u.period_start = v_period)
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
               FROM bal),
           'limits', v_limits
         )::text
    INTO v_body;

  IF p_key IS NOT NULL THEN
    UPDATE idempotency_keys k SET state = 'done', status_code = 200, response = v_body::json, updated_at = p_at
     WHERE k.pool_id = p_pool AND k.key = p_key AND k.owner IS NOT DISTINCT FROM p_owner;
    IF NOT FOUND THEN
      -- The key was taken over by a retry (this request looked abandoned): the retry does
      -- the work, this one undoes it.
      RAISE EXCEPTION 'idempotency key % was taken over', p_key USING ERRCODE = 'LL409';
    END IF;
  END IF;
  RETURN v_body;
END;
$$;
