#!/usr/bin/python3
"""bench/reports/run.py - every program report over HTTP on a generated
program of 50,000 participants, 20,000 relationships, 200,000 meetings,
100,000 survey answers and 50,000 outcome records, on SQLite and on
PostgreSQL, beside one hand-written SQL query of the same aggregate run by
sqlite3 and psql (the anchor).

    run.py --tandem ./tandem [--requests 20] [--no-postgres]

Steps:
  1. A fresh database (`tandem init`: every migration) as a SQLite file and,
     unless --no-postgres, on a private PostgreSQL (tests/pg.sh).
  2. The same rows generated straight into both through the real tables:
     one program (20,000 mentors, 30,000 mentees with their funnel stages,
     people with department, job level and location), 20,000 relationships
     in three phases (a tenth ended early), ten meetings each, a published
     match run of their pairs, one survey (a 1-5 and a 0-10 question) with
     100,000 responses, and 50,000 outcome records (promotion: 30,000 for
     participants, 20,000 for people in no program). Then ANALYZE, and
     `tandem facts --rebuild`: the rows kept for the reports (the
     relationships' facts among them) built from those rows by the
     server's own code.
  3. `tandem jobs --once` (the at-risk flags) and `tandem facts --check`,
     then `tandem serve
     --jobs-every 0` on each; per report --requests GETs of
     /api/v1/programs/{id}/reports/{name} as the admin; the p95, and the
     CPU seconds tandem (and the PostgreSQL server) spent per request.
  4. The anchor: the aggregate the report returns as one hand-written
     SQL query, run --requests times by sqlite3 (.timer) and psql
     (\\timing).
  5. Prints tandem p95, anchor p95, the ratio and whether the targets
     (p95 <= 100 ms and <= 2x the anchor) are met, with the load average.
The numbers of satisfaction and outcomes are compared with their anchor's
(CHECKS): a difference is printed and the exit status is 1.
Exit 0 when every report was measured, 2 when it could not be set up.
"""
import argparse
import csv
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bench", "import"))
from run import free_port, percentile, server_cpu  # noqa: E402  (bench/import/run.py)
sys.path.insert(0, os.path.join(ROOT, "bench"))
from tables import load_postgres, load_sqlite, psql  # noqa: E402  (bench/tables.py)

ADMIN, PASSWORD = "admin@bench.example.org", "a long enough password"
DAY = 86400
NOW = int(time.time())
P = 1000000  # the program's id
B = 1000000  # the first id of everything generated
MENTORS, MENTEES, RELS, MEETINGS_PER, RESPONSES, OUTSIDERS = 20000, 30000, 20000, 10, 100000, 20000
TARGET_MS, TARGET_RATIO = 100.0, 2.0
OPEN = "('active', 'paused', 'closing')"
CONFIG = {
    "name": "Bench reports", "status": "running",
    "selection": {"access": "open", "questions": []},
    "training": {"required_before_matching": False, "modules": []},
    "meetings": {"frequency_per_month": 2, "length_minutes": 45, "modes": ["video"]},
    "duration_months": 12,
    "phases": {"template": "custom", "items": [
        {"name": "Starting", "key_actions": ["Meet"], "timeframe_days": 30},
        {"name": "Growing", "key_actions": []}, {"name": "Closing", "key_actions": []}]},
}
REPORTS = ["funnel", "matching", "engagement", "phases", "satisfaction", "equity", "at-risk",
           "resources", "outcomes"]

# One query per report: the aggregate the report returns, written by hand
# (a placeholder {x} is filled per dialect by anchor_sql; {p} the program,
# {now} the time of the run). Where the report reads the program's
# configuration, the anchor has this program's values written in: the
# guideline of 2 meetings a month (a gap of 30 days), goals due in 30 days,
# the first phase's 30-day timeframe.
DIALECT = {
    "sqlite": {
        "month": "(CAST(strftime('%Y', {t}, 'unixepoch') AS INTEGER) * 12 + "
                 "CAST(strftime('%m', {t}, 'unixepoch') AS INTEGER) - 1)",
        "month_start": "CAST(strftime('%s', printf('%04d-%02d-01', {m} / 12, {m} % 12 + 1)) AS "
                       "INTEGER)",
        "fit": "json_extract(sr.answers, '$.good_match')",
        "q1": "json_extract(r.answers, '$.q1')", "q2": "json_extract(r.answers, '$.q2')",
        "int_q1": "typeof(json_extract(r.answers, '$.q1')) = 'integer'",
        "int_q2": "typeof(json_extract(r.answers, '$.q2')) = 'integer'",
        "real": "REAL", "greatest": "MAX", "least": "MIN",
        "tenth": "CAST(q.score * 10 AS INTEGER)",
    },
    "postgres": {
        "month": "(EXTRACT(YEAR FROM to_timestamp({t}) AT TIME ZONE 'UTC')::int * 12 + "
                 "EXTRACT(MONTH FROM to_timestamp({t}) AT TIME ZONE 'UTC')::int - 1)",
        "month_start": "EXTRACT(EPOCH FROM make_timestamp({m} / 12, {m} % 12 + 1, 1, 0, 0, "
                       "0))::bigint",
        "fit": "(sr.answers::json->>'good_match')",
        "q1": "(r.answers::json->>'q1')::int", "q2": "(r.answers::json->>'q2')::int",
        "int_q1": "json_typeof(r.answers::json->'q1') = 'number'",
        "int_q2": "json_typeof(r.answers::json->'q2') = 'number'",
        "real": "DOUBLE PRECISION", "greatest": "GREATEST", "least": "LEAST",
        "tenth": "FLOOR(q.score * 10)::int",
    },
}
OPEN_REL = "r.program_id = {p} AND r.status IN " + OPEN
ANCHORS = {
    # Each role's stage counts (reached and now at), as the funnel table.
    "funnel": "SELECT pa.role, ps.stage, COUNT(*), SUM(CASE WHEN pa.status = ps.stage THEN 1 ELSE 0 "
              "END) FROM participation_stages ps JOIN participations pa ON pa.id = "
              "ps.participation_id WHERE pa.program_id = {p} AND pa.role IN ('mentor', 'mentee') "
              "GROUP BY pa.role, ps.stage;",
    # The six parts: the run's histogram and mean, the rematch queue, the
    # days from approval to match (their median), the mentors' load, and
    # who the run left out.
    "matching": "WITH run AS (SELECT MAX(id) AS id FROM match_runs WHERE program_id = {p} AND "
                "status = 'published'), hist AS (SELECT {tenth} AS b, "
                "COUNT(*) AS n, SUM(q.score) AS s FROM match_run_pairs q JOIN run ON q.run_id = "
                "run.id GROUP BY 1), ended AS (SELECT DISTINCT rm.participation_id AS id FROM "
                "relationship_members rm JOIN relationships r ON r.id = rm.relationship_id WHERE "
                "r.program_id = {p} AND rm.role = 'mentee' AND r.status = 'ended_early'), still AS "
                "(SELECT DISTINCT rm.participation_id AS id FROM relationship_members rm JOIN "
                "relationships r ON r.id = rm.relationship_id WHERE " + OPEN_REL + "), days AS "
                "(SELECT (m.reached_at - a.reached_at) / 86400.0 AS d FROM participation_stages m "
                "JOIN participation_stages a ON a.participation_id = m.participation_id AND a.stage "
                "= 'approved' JOIN participations pa ON pa.id = m.participation_id WHERE "
                "pa.program_id = {p} AND pa.role = 'mentee' AND m.stage = 'matched'), ranked AS "
                "(SELECT d, ROW_NUMBER() OVER (ORDER BY d) AS k, COUNT(*) OVER () AS n FROM days), "
                "loads AS (SELECT pa.id, COUNT(me.participation_id) AS n FROM participations pa "
                "LEFT JOIN relationship_members rm ON rm.participation_id = pa.id AND rm.role = "
                "'mentor' LEFT JOIN relationships r ON r.id = rm.relationship_id AND r.status IN " +
                OPEN + " LEFT JOIN relationship_members me ON me.relationship_id = r.id AND me.role "
                "= 'mentee' WHERE pa.program_id = {p} AND pa.role = 'mentor' AND pa.status NOT IN "
                "('invited', 'applied', 'declined', 'withdrawn') GROUP BY pa.id), paired AS (SELECT "
                "q.mentee_id AS id FROM match_run_pairs q JOIN run ON q.run_id = run.id UNION "
                "SELECT q.mentor_id FROM match_run_pairs q JOIN run ON q.run_id = run.id) "
                "SELECT 'hist', b, n, s FROM hist UNION ALL SELECT 'rematch', COUNT(*), 0, 0 FROM "
                "ended WHERE id NOT IN (SELECT id FROM still) UNION ALL SELECT 'median', MAX(n), "
                "COUNT(*), AVG(d) FROM ranked WHERE k IN ((n + 1) / 2, n / 2 + 1) UNION ALL SELECT "
                "'load', n, COUNT(*), 0 FROM loads GROUP BY n UNION ALL SELECT 'unmatched', "
                "COUNT(*), 0, 0 FROM match_run_people pp JOIN run ON pp.run_id = run.id WHERE "
                "pp.reason IS NOT NULL OR (pp.slots > 0 AND pp.participation_id NOT IN (SELECT id "
                "FROM paired));",
    # The summary (relationships, meetings held, the guideline share, the
    # agreement and goals in time, goal and milestone completion, messages,
    # the share active in the last 30 days) and the table by month.
    "engagement": "WITH RECURSIVE rel AS (SELECT r.id, r.started_at, r.ended_at FROM relationships "
                  "r WHERE r.program_id = {p} AND r.started_at <= {now}), held AS (SELECT "
                  "m.relationship_id AS rid, m.starts_at AS at FROM meetings m JOIN rel ON rel.id = "
                  "m.relationship_id WHERE m.status = 'held' AND m.starts_at <= {now}), h AS "
                  "(SELECT rid, COUNT(*) AS n, MAX(at) AS last_at FROM held GROUP BY rid), ms AS "
                  "(SELECT g.relationship_id AS rid, COUNT(*) AS n, MAX(g.created_at) AS last_at "
                  "FROM messages g JOIN rel ON rel.id = g.relationship_id WHERE g.created_at <= "
                  "{now} GROUP BY g.relationship_id), gl AS (SELECT o.relationship_id AS rid, "
                  "MIN(o.created_at) AS first_at FROM goals o JOIN rel ON rel.id = "
                  "o.relationship_id GROUP BY o.relationship_id), mb AS (SELECT rm.relationship_id "
                  "AS rid, COUNT(*) AS n FROM relationship_members rm JOIN rel ON rel.id = "
                  "rm.relationship_id GROUP BY rm.relationship_id), sg AS (SELECT rid, COUNT(*) AS "
                  "n, MAX(first_at) AS all_at FROM (SELECT s.relationship_id AS rid, "
                  "s.participation_id, MIN(s.signed_at) AS first_at FROM agreement_signings s JOIN "
                  "rel ON rel.id = s.relationship_id GROUP BY s.relationship_id, "
                  "s.participation_id) x GROUP BY rid), per AS (SELECT rel.id, COALESCE(h.n, 0) AS "
                  "held, COALESCE(ms.n, 0) AS msgs, CASE WHEN COALESCE(h.n, 0) >= 2 * "
                  "{greatest}(1.0, ({least}(COALESCE(rel.ended_at, {now}), {now}) - "
                  "rel.started_at) / 86400.0 / 30.436875) THEN 1 ELSE 0 END AS guide, CASE WHEN "
                  "mb.n > 0 AND sg.n >= mb.n AND sg.all_at - rel.started_at <= 14 * 86400 THEN 1 "
                  "ELSE 0 END AS agreed, CASE WHEN gl.first_at - rel.started_at <= 30 * 86400 THEN "
                  "1 ELSE 0 END AS goals_set, CASE WHEN rel.ended_at IS NULL AND "
                  "{greatest}(COALESCE(h.last_at, -1), COALESCE(ms.last_at, -1)) >= {now} - 30 * "
                  "86400 THEN 1 ELSE 0 END AS active FROM rel LEFT JOIN h ON h.rid = rel.id LEFT "
                  "JOIN ms ON ms.rid = rel.id LEFT JOIN gl ON gl.rid = rel.id LEFT JOIN mb ON "
                  "mb.rid = rel.id LEFT JOIN sg ON sg.rid = rel.id), goal AS (SELECT COUNT(*) AS n, "
                  "SUM(CASE WHEN o.status = 'achieved' THEN 1 ELSE 0 END) AS done FROM goals o JOIN "
                  "rel ON rel.id = o.relationship_id WHERE o.status <> 'dropped'), mile AS (SELECT "
                  "COUNT(*) AS n, SUM(CASE WHEN ml.done_at IS NULL THEN 0 ELSE 1 END) AS done FROM "
                  "milestones ml JOIN goals o ON o.id = ml.goal_id JOIN rel ON rel.id = "
                  "o.relationship_id WHERE o.status <> 'dropped'), bounds AS (SELECT "
                  "{greatest}({month_of_first}, {month_now} - 59) AS m0, {month_now} AS m1), months "
                  "AS (SELECT m0 AS m FROM bounds UNION ALL SELECT m + 1 FROM months, bounds WHERE "
                  "m < bounds.m1), span AS (SELECT m, {month_start_m} AS a, {month_start_m1} - 1 AS "
                  "b FROM months), pairs AS (SELECT span.m, rel.id FROM span JOIN rel ON "
                  "rel.started_at <= span.b AND (rel.ended_at IS NULL OR rel.ended_at >= span.a) "
                  "UNION SELECT {month_held}, rid FROM held) "
                  "SELECT 'summary', COUNT(*), SUM(held), SUM(guide), SUM(agreed), SUM(goals_set), "
                  "SUM(msgs), SUM(active), (SELECT n FROM goal), (SELECT done FROM goal), (SELECT n "
                  "FROM mile), (SELECT done FROM mile) FROM per UNION ALL SELECT 'month', span.m, "
                  "COALESCE(pc.n, 0), COALESCE(hc.n, 0), 0, 0, 0, 0, 0, 0, 0, 0 FROM span LEFT JOIN "
                  "(SELECT m, COUNT(*) AS n FROM pairs GROUP BY m) pc ON pc.m = span.m LEFT JOIN "
                  "(SELECT {month_held} AS m, COUNT(*) AS n FROM held GROUP BY 1) hc ON hc.m = "
                  "span.m;",
    "phases": "SELECT phase, COUNT(*) FROM relationships WHERE program_id = {p} AND status IN " +
              OPEN + " GROUP BY phase;",
    # Each rated question's count, mean and 0-10 counts (for the NPS) by
    # role, and the response rates.
    "satisfaction": "SELECT r.survey_id, r.role, COUNT(*), SUM(CASE WHEN {int_q1} THEN 1 ELSE 0 "
                    "END), AVG({q1}), SUM(CASE WHEN {int_q2} THEN 1 ELSE 0 END), AVG({q2}), "
                    "SUM(CASE WHEN {q2} >= 9 THEN 1 ELSE 0 END), SUM(CASE WHEN {q2} <= 6 THEN 1 "
                    "ELSE 0 END) FROM survey_responses r JOIN surveys s ON s.id = r.survey_id WHERE "
                    "s.program_id = {p} GROUP BY r.survey_id, r.role UNION ALL SELECT a.survey_id, "
                    "pa.role, COUNT(*), COUNT(a.answered_at), 0, 0, 0, 0, 0 FROM survey_asks a JOIN "
                    "surveys s ON s.id = a.survey_id JOIN participations pa ON pa.id = "
                    "a.participation_id WHERE s.program_id = {p} GROUP BY a.survey_id, pa.role;",
    # By department, job level and location: mentees, matched, the run's
    # mean score, the median days from approval to a match, ended and
    # completed; and each group's latest outcome records by kind and value.
    "equity": "WITH run AS (SELECT MAX(id) AS id FROM match_runs WHERE program_id = {p} AND status "
              "= 'published'), q AS (SELECT mentee_id, AVG(score) AS score FROM match_run_pairs "
              "JOIN run ON run_id = run.id GROUP BY mentee_id), e AS (SELECT rm.participation_id "
              "AS id, COUNT(*) AS ended, SUM(CASE WHEN rel.status = 'completed' THEN 1 ELSE 0 END) "
              "AS completed FROM relationship_members rm JOIN relationships rel ON rel.id = "
              "rm.relationship_id WHERE rel.program_id = {p} AND rel.status IN ('completed', "
              "'ended_early') GROUP BY rm.participation_id), w AS (SELECT pe.department AS d, "
              "CAST(pe.job_level AS TEXT) AS j, pe.location AS l, CASE WHEN m.reached_at IS NULL THEN 0 ELSE 1 "
              "END AS matched, q.score, {greatest}(m.reached_at - a.reached_at, 0) / 86400.0 AS "
              "days, COALESCE(e.ended, 0) AS ended, COALESCE(e.completed, 0) AS completed FROM "
              "participations pa JOIN people pe ON pe.id = pa.person_id JOIN participation_stages "
              "a ON a.participation_id = pa.id AND a.stage = 'approved' LEFT JOIN "
              "participation_stages m ON m.participation_id = pa.id AND m.stage = 'matched' LEFT "
              "JOIN q ON q.mentee_id = pa.id LEFT JOIN e ON e.id = pa.id WHERE pa.program_id = {p} "
              "AND pa.role = 'mentee'), g AS (SELECT 'department' AS f, d AS v, matched, score, "
              "days, ended, completed FROM w UNION ALL SELECT 'job_level', j, matched, score, days, "
              "ended, completed FROM w UNION ALL SELECT 'location', l, matched, score, days, ended, "
              "completed FROM w), ranked AS (SELECT f, v, days, ROW_NUMBER() OVER (PARTITION BY f, "
              "v ORDER BY days) AS k, COUNT(*) OVER (PARTITION BY f, v) AS n FROM g WHERE days IS "
              "NOT NULL), med AS (SELECT f, v, AVG(days) AS days FROM ranked WHERE k IN ((n + 1) / "
              "2, n / 2 + 1) GROUP BY f, v), pin AS (SELECT DISTINCT pa.person_id FROM "
              "participations pa JOIN participation_stages s ON s.participation_id = pa.id AND "
              "s.stage = 'matched' WHERE pa.program_id = {p} AND pa.role IN ('mentor', 'mentee')), "
              "latest AS (SELECT o.person_id, o.kind, o.value FROM outcome_records o JOIN pin ON "
              "pin.person_id = o.person_id WHERE NOT EXISTS (SELECT 1 FROM outcome_records n "
              "WHERE n.person_id = o.person_id AND n.kind = o.kind AND n.recorded_on > "
              "o.recorded_on)), lo AS (SELECT pe.department AS d, CAST(pe.job_level "
              "AS TEXT) AS j, pe.location AS l, latest.kind, latest.value FROM latest JOIN people pe ON "
              "pe.id = latest.person_id), og AS (SELECT 'department' AS f, d AS "
              "v, kind, value FROM lo UNION ALL SELECT 'job_level', j, kind, value FROM lo UNION "
              "ALL SELECT 'location', l, kind, value FROM lo) SELECT 'group', g.f, g.v, COUNT(*), "
              "SUM(g.matched), AVG(g.score), MAX(med.days), SUM(g.ended), SUM(g.completed) FROM g "
              "LEFT JOIN med ON med.f = g.f AND med.v = g.v GROUP BY g.f, g.v UNION ALL SELECT "
              "'outcome', f, v, COUNT(*), 0, 0, 0, 0, 0 FROM og GROUP BY f, v, kind, value;",
    # Every reason of every open relationship (the rules of domain/risk.h),
    # the relationships with any, and the recorded flags' history.
    "at-risk": "WITH rel AS (SELECT r.id, r.status, r.started_at, r.phase, r.phase_started_at, "
               "CASE WHEN r.status = 'paused' THEN 1 ELSE 0 END AS waits FROM relationships r "
               "WHERE " + OPEN_REL + "), last AS (SELECT mt.relationship_id AS rid, "
               "MAX(mt.starts_at) AS at FROM meetings mt JOIN rel ON rel.id = mt.relationship_id "
               "WHERE mt.status = 'held' GROUP BY mt.relationship_id), checks AS (SELECT "
               "h.relationship_id AS rid, h.participation_id, ROW_NUMBER() OVER (PARTITION BY "
               "h.relationship_id, h.participation_id ORDER BY h.id DESC) AS k, CAST(h.articulation "
               "+ h.listening + h.respect + h.goal_clarity + h.challenge + h.self_awareness + "
               "h.commitment_to_learning + h.reflection_and_preparation AS {real}) / 8 AS avg, "
               "{least}(h.articulation, h.listening, h.respect, h.goal_clarity, h.challenge, "
               "h.self_awareness, h.commitment_to_learning, h.reflection_and_preparation) AS low "
               "FROM health_checks h JOIN rel ON rel.id = h.relationship_id), health AS (SELECT "
               "c.rid, MAX(CASE WHEN c.low <= 2 THEN 1 ELSE 0 END) AS low_rating, MAX(CASE WHEN "
               "p.avg - c.avg >= 1 - 1e-9 THEN 1 ELSE 0 END) AS rating_drop FROM checks c LEFT "
               "JOIN checks p ON p.rid = c.rid AND p.participation_id = c.participation_id AND p.k "
               "= 2 WHERE c.k = 1 GROUP BY c.rid), fits AS (SELECT sr.relationship_id AS rid, "
               "sr.participation_id, {fit} AS fit, ROW_NUMBER() OVER (PARTITION BY "
               "sr.relationship_id, sr.participation_id ORDER BY sr.id DESC) AS k FROM "
               "survey_responses sr JOIN surveys s ON s.id = sr.survey_id AND s.purpose = "
               "'pairing_fit' JOIN rel ON rel.id = sr.relationship_id), fit AS (SELECT rid, 1 AS "
               "no FROM fits WHERE k = 1 AND fit = 'No' GROUP BY rid), goal AS (SELECT "
               "g.relationship_id AS rid, COUNT(*) AS n FROM goals g JOIN rel ON rel.id = "
               "g.relationship_id WHERE g.status <> 'dropped' GROUP BY g.relationship_id), members "
               "AS (SELECT m.relationship_id AS rid, COUNT(*) AS n FROM relationship_members m JOIN "
               "rel ON rel.id = m.relationship_id GROUP BY m.relationship_id), signed AS (SELECT "
               "a.relationship_id AS rid, COUNT(s.relationship_id) AS n FROM agreements a JOIN rel "
               "ON rel.id = a.relationship_id LEFT JOIN agreement_signings s ON s.relationship_id "
               "= a.relationship_id AND s.version = a.version GROUP BY a.relationship_id), reasons "
               "AS (SELECT rel.id, COALESCE(health.low_rating, 0) AS low_rating, "
               "COALESCE(health.rating_drop, 0) AS rating_drop, CASE WHEN rel.waits = 0 AND {now} "
               "- COALESCE(last.at, rel.started_at) > 30 * 86400 THEN 1 ELSE 0 END AS no_meeting, "
               "COALESCE(fit.no, 0) AS pairing_fit, CASE WHEN rel.waits = 0 AND {now} - "
               "rel.started_at > 30 * 86400 AND NOT (signed.n IS NOT NULL AND members.n > 0 AND "
               "signed.n >= members.n) THEN 1 ELSE 0 END AS agreement_unsigned, CASE WHEN "
               "rel.waits = 0 AND {now} - rel.started_at > 30 * 86400 AND goal.n IS NULL THEN 1 "
               "ELSE 0 END AS no_goals, CASE WHEN rel.waits = 0 AND rel.phase = 0 AND {now} - "
               "rel.phase_started_at > 60 * 86400 THEN 1 ELSE 0 END AS phase_overdue FROM rel LEFT "
               "JOIN last ON last.rid = rel.id LEFT JOIN health ON health.rid = rel.id LEFT JOIN "
               "fit ON fit.rid = rel.id LEFT JOIN goal ON goal.rid = rel.id LEFT JOIN members ON "
               "members.rid = rel.id LEFT JOIN signed ON signed.rid = rel.id), flags AS (SELECT "
               "f.relationship_id AS rid, f.code, MAX(CASE WHEN f.cleared_at IS NULL THEN 1 ELSE 0 "
               "END) AS open FROM risk_flags f WHERE f.program_id = {p} GROUP BY f.relationship_id, "
               "f.code), flagged AS (SELECT rid, MAX(open) AS open FROM flags GROUP BY rid) "
               "SELECT 'now', COUNT(*), SUM(CASE WHEN low_rating + rating_drop + no_meeting + "
               "pairing_fit + agreement_unsigned + no_goals + phase_overdue > 0 THEN 1 ELSE 0 END), "
               "SUM(low_rating), SUM(rating_drop), SUM(no_meeting), SUM(pairing_fit), "
               "SUM(agreement_unsigned), SUM(no_goals), SUM(phase_overdue) FROM reasons UNION ALL "
               "SELECT 'flagged', COUNT(*), SUM(open), SUM(CASE WHEN open = 0 AND r.status <> "
               "'ended_early' THEN 1 ELSE 0 END), 0, 0, 0, 0, 0, 0 FROM flagged JOIN "
               "relationships r ON r.id = flagged.rid UNION ALL SELECT code, COUNT(*), SUM(open), "
               "0, 0, 0, 0, 0, 0, 0 FROM flags GROUP BY code;",
    "resources": "SELECT o.resource_id, COUNT(*), SUM(o.opens) FROM resource_opens o JOIN "
                 "participations pa ON pa.person_id = o.person_id AND pa.program_id = {p} GROUP BY "
                 "o.resource_id;",
    # Each person's latest record per kind, their group (matched in the
    # program, or never a mentor or mentee anywhere), counted by value.
    "outcomes": "WITH latest AS (SELECT o.person_id, o.kind, o.value FROM outcome_records o JOIN "
                "(SELECT person_id, kind, MAX(recorded_on) AS last_on FROM outcome_records GROUP "
                "BY person_id, kind) x ON x.person_id = o.person_id AND x.kind = o.kind AND "
                "x.last_on = o.recorded_on), matched AS (SELECT DISTINCT pa.person_id FROM "
                "participations pa JOIN participation_stages s ON s.participation_id = pa.id AND "
                "s.stage = 'matched' WHERE pa.program_id = {p} AND pa.role IN ('mentor', "
                "'mentee')), joined AS (SELECT DISTINCT person_id FROM participations WHERE role IN "
                "('mentor', 'mentee')) SELECT l.kind, CASE WHEN m.person_id IS NOT NULL THEN 0 ELSE "
                "1 END AS grp, l.value, COUNT(*) FROM latest l LEFT JOIN matched m ON m.person_id = "
                "l.person_id LEFT JOIN joined j ON j.person_id = l.person_id WHERE m.person_id IS "
                "NOT NULL OR j.person_id IS NULL GROUP BY l.kind, 2, l.value;",
}


def anchor_sql(name, kind):
    d = DIALECT[kind]

    def month(t):
        return d["month"].replace("{t}", t)

    def start(m):
        return d["month_start"].replace("{m}", m)

    fill = dict(d, p=P, now=NOW, month_now=month(str(NOW)), month_held=month("held.at"),
                month_of_first="(SELECT " + month("MIN(t)") + " FROM (SELECT started_at AS t "
                "FROM rel UNION ALL SELECT at FROM held) f)",
                month_start_m=start("m"), month_start_m1=start("(m + 1)"))
    return ANCHORS[name].format(**fill)


def generate(folder):
    """Writes one CSV per table; returns [(table, columns, path)]."""
    rnd = random.Random(13)
    cols = {
        "programs": ["id", "name", "status", "config", "created_at", "updated_at"],
        "people": ["id", "email", "name", "department", "job_level", "location", "created_at",
                   "updated_at"],
        "participations": ["id", "program_id", "person_id", "role", "status", "capacity", "wants",
                           "created_at", "updated_at"],
        "participation_stages": ["participation_id", "stage", "reached_at"],
        "relationships": ["id", "program_id", "status", "phase", "phase_started_at", "started_at",
                          "planned_end_at", "created_at", "updated_at"],
        "relationship_members": ["relationship_id", "participation_id", "role"],
        "meetings": ["id", "relationship_id", "uid", "starts_at", "duration_minutes", "mode", "status",
                     "created_at", "updated_at"],
        "match_runs": ["id", "program_id", "created_at", "objective", "status", "published_at"],
        "match_run_pairs": ["run_id", "mentee_id", "mentor_id", "score"],
        "surveys": ["id", "program_id", "title", "questions", "status", "created_at", "updated_at"],
        "survey_responses": ["id", "survey_id", "participation_id", "relationship_id", "role",
                             "answers", "submitted_at"],
        "outcome_records": ["id", "person_id", "kind", "recorded_on", "value", "imported_at"],
    }
    files = {t: open(os.path.join(folder, t + ".csv"), "w", newline="") for t in cols}
    w = {t: csv.writer(f) for t, f in files.items()}
    t0 = NOW - 400 * DAY
    w["programs"].writerow([P, CONFIG["name"], "running", json.dumps(CONFIG), t0, t0])
    depts = ["Engineering", "Sales", "Finance", "People", "Operations", "Legal"]
    places = ["Berlin", "Lisbon", "Nairobi", "Austin"]
    for i in range(MENTORS + MENTEES + OUTSIDERS):
        pid = B + i
        w["people"].writerow([pid, "p%d@bench.example.org" % pid, "Person %d" % pid,
                              depts[i % 6], 1 + i % 5, places[i % 4], t0, t0])
    for i in range(MENTORS + MENTEES):
        part = B + i
        mentor = i < MENTORS
        k = i if mentor else i - MENTORS
        matched = k < RELS
        status = "matched" if matched else "approved"
        w["participations"].writerow([part, P, B + i, "mentor" if mentor else "mentee", status,
                                      1 if mentor else None, None if mentor else 1, t0, t0])
        at = t0 + rnd.randint(0, 20) * DAY
        stages = ["applied", "approved"] + (["matched"] if matched else [])
        for s in stages:
            w["participation_stages"].writerow([part, s, at])
            at += rnd.randint(1, 10) * DAY
    run = B
    w["match_runs"].writerow([run, P, t0 + 40 * DAY, "total", "published", t0 + 40 * DAY])
    mid = B
    for r in range(RELS):
        rel, mentor, mentee = B + r, B + r, B + MENTORS + r
        start = t0 + 40 * DAY + rnd.randint(0, 200) * DAY
        status = "ended_early" if r % 10 == 0 else ("paused" if r % 17 == 0 else "active")
        phase = r % 3
        w["relationships"].writerow([rel, P, status, phase, start + phase * 30 * DAY, start,
                                     start + 365 * DAY, start, start])
        w["relationship_members"].writerow([rel, mentor, "mentor"])
        w["relationship_members"].writerow([rel, mentee, "mentee"])
        w["match_run_pairs"].writerow([run, mentee, mentor, round(rnd.random(), 4)])
        for m in range(MEETINGS_PER):
            at = start + m * 14 * DAY
            w["meetings"].writerow([mid, rel, "m%d@bench" % mid, at, 45, "video",
                                    "held" if at < NOW and m % 7 else "scheduled", at, at])
            mid += 1
    questions = [{"id": "q1", "kind": "likert", "label": "Useful", "options": [], "required": True},
                 {"id": "q2", "kind": "nps", "label": "Recommend", "options": [], "required": True}]
    w["surveys"].writerow([B, P, "Check-in", json.dumps(questions), "active", t0, t0])
    for i in range(RESPONSES):
        r = i % RELS
        mentee = i % 2
        w["survey_responses"].writerow([B + i, B, B + MENTORS + r if mentee else B + r, B + r,
                                        "mentee" if mentee else "mentor",
                                        json.dumps({"q1": rnd.randint(1, 5), "q2": rnd.randint(0, 10)}),
                                        NOW - rnd.randint(1, 300) * DAY])
    # promotion for 30,000 participants (mentors, then mentees) and 20,000 outsiders
    for i in range(50000):
        person = B + i if i < 30000 else B + MENTORS + MENTEES + (i - 30000)
        w["outcome_records"].writerow([B + i, person, "promotion", "2026-06-30",
                                       "1" if rnd.random() < (0.3 if i < 30000 else 0.22) else "0", NOW])
    for f in files.values():
        f.close()
    return [(t, c, os.path.join(folder, t + ".csv")) for t, c in cols.items()]



def derive(tandem, url):
    """The rows the server keeps for the reports (survey answer counts, the
    latest outcome per person and kind, the relationships' facts), derived
    from the loaded tables by the server's own code (`tandem facts
    --rebuild`, which also analyses the tables it fills; the loader analysed
    the rest). The anchors read the loaded tables, not these."""
    subprocess.run([tandem, "facts", "--rebuild", "--db", url], check=True, capture_output=True)


def anchor_sqlite(path, name, n):
    """The wall times (ms) of n runs, and the CPU (user + sys) per run."""
    script = ".timer on\n" + (anchor_sql(name, "sqlite") + "\n") * n
    out = subprocess.run(["sqlite3", path], input=script, capture_output=True, text=True,
                         check=True).stdout
    runs = re.findall(r"Run Time: real ([0-9.]+) user ([0-9.]+) sys ([0-9.]+)", out)
    return ([float(r[0]) * 1000 for r in runs],
            sum(float(r[1]) + float(r[2]) for r in runs) * 1000 / max(len(runs), 1))


def anchor_postgres(url, pgdir, name, n):
    """The wall times (ms) of n runs, and the server's CPU per run."""
    # As tandem's sessions: JIT off (compiling a query of these costs
    # 100-300 ms, more than running it).
    script = "SET jit = off;\n\\timing on\n" + (anchor_sql(name, "postgres") + "\n") * n
    cpu0 = server_cpu(pgdir)
    out = psql(url, stdin=script).stdout
    return ([float(x) for x in re.findall(r"Time: ([0-9.]+) ms", out)],
            (server_cpu(pgdir) - cpu0) * 1000 / n)


def anchor_rows(kind, url, name):
    """The anchor's result rows, once, as lists of text."""
    sql = anchor_sql(name, kind)
    if kind == "sqlite":
        out = subprocess.run(["sqlite3", "-csv", url, sql], capture_output=True, text=True,
                             check=True).stdout
    else:
        out = psql(url, "-A", "-t", "-F", ",", "-c", "SET jit = off", "-c", sql).stdout
    return [r for r in csv.reader(out.splitlines()) if r]


def report_rows(body, table):
    t = next(t for t in body["tables"] if t["name"] == table)
    cols = [c["name"] for c in t["columns"]]
    return [dict(zip(cols, r)) for r in t["rows"]]


def check_satisfaction(body, rows):
    """Each role's answered count, mean and NPS of both questions."""
    got = {(r["question"], r["role"]): r for r in report_rows(body, "questions")}
    bad = []
    for r in rows:
        if r[1] not in ("mentor", "mentee") or r[3] == "0" or len(r) < 9 or r[4] in ("", "0"):
            continue
        n1, m1, n2, m2, prom, detr = int(r[3]), float(r[4]), int(r[5]), float(r[6]), int(r[7]), int(r[8])
        q1, q2 = got.get(("q1", r[1])), got.get(("q2", r[1]))
        if not q1 or not q2 or q1["answered"] != n1 or abs(q1["mean"] - m1) > 1e-9 or \
                q2["answered"] != n2 or abs(q2["mean"] - m2) > 1e-9 or \
                abs(q2["nps"] - 100.0 * (prom - detr) / n2) > 1e-9:
            bad.append(r[1])
    return bad


def check_outcomes(body, rows):
    """Each kind's group sizes and yes counts."""
    want = {}
    for kind, grp, value, n in rows:
        c = want.setdefault(kind, [0, 0, 0, 0])
        c[2 * int(grp)] += int(n)
        c[2 * int(grp) + 1] += int(n) if value == "1" else 0
    got = {r["kind"]: [r["participants"], r["participants_yes"], r["others"], r["others_yes"]]
           for r in report_rows(body, "comparison")}
    return [k for k in set(want) | set(got) if want.get(k) != got.get(k)]


# The reports whose numbers are compared with their anchor's on every run
# (what proves the rows the server keeps for them right: the anchors read
# the loaded tables).
CHECKS = {"satisfaction": check_satisfaction, "outcomes": check_outcomes}


def proc_cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(tandem, url, n, folder, label, pgdir):
    port = free_port()
    log = open(os.path.join(folder, "serve-%s.log" % label), "w")
    # The flags of the at-risk report as the hourly job leaves them; then
    # no jobs in the server, so that its CPU is the requests' alone.
    subprocess.run([tandem, "jobs", "--once", "--db", url], stdout=log, stderr=subprocess.STDOUT,
                   check=True)
    # The facts the reports read (built after loading, kept by the job's
    # flags) equal what the raw rows give.
    subprocess.run([tandem, "facts", "--check", "--db", url], stdout=log, stderr=subprocess.STDOUT,
                   check=True)
    proc = subprocess.Popen([tandem, "serve", "--db", url, "--listen", "127.0.0.1:%d" % port,
                             "--access-log", "off", "--jobs-every", "0"], stdout=log,
                            stderr=subprocess.STDOUT)
    base = "http://127.0.0.1:%d" % port
    out = {}
    try:
        deadline = time.time() + 30
        while True:
            try:
                if requests.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.time() > deadline or proc.poll() is not None:
                sys.exit("tandem serve did not start; see " + log.name)
            time.sleep(0.05)
        s = requests.Session()
        r = s.post(base + "/api/v1/session", json={"email": ADMIN, "password": PASSWORD})
        if r.status_code != 200:
            sys.exit("sign-in failed: " + r.text)
        for name in REPORTS:
            path = "/api/v1/programs/%d/reports/%s" % (P, name)
            r = s.get(base + path, timeout=300)  # warm the caches once
            if r.status_code != 200:
                print("%s: %s answered %d: %s" % (label, name, r.status_code, r.text[:200]))
                out[name] = None
                continue
            if name == "engagement":
                # The whole life (from the facts) and the same days as an
                # explicit period (from the raw rows) give the same numbers.
                raw = s.get(base + path, params={"from": "1970-01-02"}, timeout=300)
                assert raw.status_code == 200 and raw.json()["tables"] == r.json()["tables"], \
                    "%s: engagement from the facts differs from the raw rows" % label
            cpu0, srv0, times = proc_cpu(proc.pid), server_cpu(pgdir), []
            for _ in range(n):
                t = time.perf_counter()
                r = s.get(base + path, timeout=300)
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200
            out[name] = (percentile(times, 95), (proc_cpu(proc.pid) - cpu0) * 1000 / n,
                         (server_cpu(pgdir) - srv0) * 1000 / n, r.json())
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tandem", default=os.path.join(ROOT, "tandem"))
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--only", help="these reports alone, comma-separated (equity,outcomes)")
    a = ap.parse_args()
    if a.only:
        unknown = set(a.only.split(",")) - set(REPORTS)
        if unknown:
            print("run.py: no report %s (try %s)" % (", ".join(sorted(unknown)), ",".join(REPORTS)),
                  file=sys.stderr)
            return 2
        REPORTS[:] = [n for n in REPORTS if n in a.only.split(",")]
    if not os.access(a.tandem, os.X_OK):
        print("run.py: %s is not built" % a.tandem, file=sys.stderr)
        return 2
    folder = tempfile.mkdtemp(prefix="tandem-bench-reports-")
    pgdir = None
    try:
        t = time.time()
        tables = generate(folder)
        print("generated in %.1f s" % (time.time() - t))
        init = [a.tandem, "init", "--admin-email", ADMIN, "--admin-password", PASSWORD, "--db"]
        path = os.path.join(folder, "bench.sqlite")
        subprocess.run(init + [path], check=True, capture_output=True)
        t = time.time()
        load_sqlite(path, tables)
        derive(a.tandem, path)
        print("SQLite: loaded in %.1f s" % (time.time() - t))
        targets = [("SQLite", path, None, lambda name: anchor_sqlite(path, name, a.requests),
                    lambda name: anchor_rows("sqlite", path, name))]
        if not a.no_postgres:
            pgdir = tempfile.mkdtemp(prefix="tandem-bench-pg-")
            os.chmod(pgdir, 0o755)
            url = subprocess.run([os.path.join(ROOT, "tests", "pg.sh"), "start", pgdir],
                                 capture_output=True, text=True, check=True).stdout.strip()
            subprocess.run(init + [url], check=True, capture_output=True)
            t = time.time()
            load_postgres(url, tables)
            derive(a.tandem, url)
            print("PostgreSQL: loaded in %.1f s" % (time.time() - t))
            targets.append(("PostgreSQL", url, pgdir,
                            lambda name, url=url: anchor_postgres(url, pgdir, name, a.requests),
                            lambda name, url=url: anchor_rows("postgres", url, name)))
        print("uptime before: %s" % subprocess.run(["uptime"], capture_output=True,
                                                     text=True).stdout.strip())
        # The CPU columns: tandem's (+ the PostgreSQL server's) per request,
        # the anchor's (sqlite3's user + sys, or the server's) per run, and
        # their ratio - what a loaded machine changes least.
        print("%-10s %-12s %10s %10s %10s %7s %12s %12s %9s %s" % (
            "database", "report", "tandem p95", "CPU/req", "anchor p95", "ratio", "tandem CPU",
            "anchor CPU", "CPU ratio", "targets"))
        mismatched = []
        for label, url, pg, anchor, rows_of in targets:
            got = measure(a.tandem, url, a.requests, folder, label, pg)
            for name in REPORTS:
                if got.get(name) is None:
                    print("%-10s %-12s %10s" % (label, name, "failed"))
                    continue
                p95, cpu, srv, body = got[name]
                if name in CHECKS:
                    bad = CHECKS[name](body, rows_of(name))
                    if bad:
                        mismatched.append("%s %s: %s" % (label, name, ", ".join(bad)))
                walls, anch_cpu = anchor(name)
                anch = percentile(walls, 95)
                ratio = p95 / anch if anch > 0 else float("inf")
                total = cpu + srv
                cpu_ratio = total / anch_cpu if anch_cpu > 0 else float("inf")
                cpu_s = "%.1f" % cpu + ("+%.1f" % srv if pg else "")
                met = "met" if p95 <= TARGET_MS and ratio <= TARGET_RATIO else (
                    "MISSED" + (" (p95)" if p95 > TARGET_MS else "") +
                    (" (ratio)" if ratio > TARGET_RATIO else ""))
                print("%-10s %-12s %7.1f ms %7s ms %7.1f ms %6.1fx %9.1f ms %9.1f ms %8.1fx %s" % (
                    label, name, p95, cpu_s, anch, ratio, total, anch_cpu, cpu_ratio, met))
        print("uptime after: %s" % subprocess.run(["uptime"], capture_output=True,
                                                    text=True).stdout.strip())
        for m in mismatched:
            print("NOT THE ANCHOR'S NUMBERS: " + m)
        print("the report's numbers equal the anchor's: %s" % (
            "no" if mismatched else ", ".join(n for n in REPORTS if n in CHECKS) or "none checked"))
        return 1 if mismatched else 0
    finally:
        if pgdir:
            subprocess.run([os.path.join(ROOT, "tests", "pg.sh"), "stop", pgdir],
                           capture_output=True)
            shutil.rmtree(pgdir, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
