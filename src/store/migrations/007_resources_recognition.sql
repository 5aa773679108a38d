-- The help library and recognition (issue 12 items 5 and 6): resources
-- per program and site-wide, who opened them, the milestones people reach,
-- kudos between partners and coordinators' highlights. Ships the starter
-- set of articles, site-wide, and points the phase templates' resource
-- titles already stored in programs at the starter articles that replace
-- them.

CREATE TABLE resources (
    id {{id}},
    program_id BIGINT REFERENCES programs(id) ON DELETE CASCADE, -- NULL: site-wide
    title TEXT NOT NULL,
    body_md TEXT,                              -- an article's Markdown, or NULL
    url TEXT,                                  -- a link (http or https), or NULL
    phases TEXT NOT NULL DEFAULT '[]',         -- JSON: phase names it belongs to
    topics TEXT NOT NULL DEFAULT '[]',         -- JSON: topic tags
    roles TEXT NOT NULL DEFAULT '["mentor","mentee"]', -- JSON: who it is for
    position INTEGER NOT NULL DEFAULT 0,       -- order in its library
    retired_at BIGINT,                         -- retired: kept, shown to nobody but its editors
    starter TEXT UNIQUE,                       -- the starter set's key; NULL for the others
    created_by BIGINT REFERENCES people(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,                -- 0: shipped with Tandem
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX resources_program ON resources(program_id, position);

-- A site-wide resource a program's coordinators took out of their library.
CREATE TABLE program_hidden_resources (
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    resource_id BIGINT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    hidden_by BIGINT REFERENCES people(id) ON DELETE SET NULL,
    hidden_at BIGINT NOT NULL,
    PRIMARY KEY (program_id, resource_id)
);

-- Who opened what: one row per person and resource.
CREATE TABLE resource_opens (
    resource_id BIGINT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    first_opened_at BIGINT NOT NULL,
    last_opened_at BIGINT NOT NULL,
    opens INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (resource_id, person_id)
);

-- A milestone a participation reached, once: scope is the relationship
-- for what happens in one (first meeting, agreement signed, first goal
-- achieved, relationship completed, highlighted), 0 for what counts over
-- the program (hours of mentoring, program completed).
CREATE TABLE recognition_milestones (
    id {{id}},
    participation_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    relationship_id BIGINT REFERENCES relationships(id) ON DELETE SET NULL,
    scope BIGINT NOT NULL DEFAULT 0,
    kind TEXT NOT NULL,
    threshold INTEGER NOT NULL DEFAULT 0,      -- the hours, for kind 'hours'
    reached_at BIGINT NOT NULL,
    UNIQUE (participation_id, kind, scope, threshold)
);
CREATE INDEX recognition_milestones_relationship ON recognition_milestones(relationship_id);

CREATE TABLE kudos (
    id {{id}},
    relationship_id BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    from_participation BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    to_participation BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    message TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX kudos_relationship ON kudos(relationship_id, id);
CREATE INDEX kudos_to ON kudos(to_participation);

-- A coordinator's highlight of a successful relationship: one per relationship.
CREATE TABLE highlights (
    relationship_id BIGINT PRIMARY KEY REFERENCES relationships(id) ON DELETE CASCADE,
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    highlighted_by BIGINT REFERENCES people(id) ON DELETE SET NULL,
    highlighted_at BIGINT NOT NULL
);
CREATE INDEX highlights_program ON highlights(program_id, highlighted_at);

-- The starter set: site-wide articles, tagged with the phases of the four
-- phase models (zachary, kram, lifecycle, rapport) they help in.
INSERT INTO resources (program_id, title, body_md, url, phases, topics, roles, position, starter,
                       created_at, updated_at) VALUES
(NULL, 'What mentoring is and is not',
'Mentoring is a working relationship between someone who wants to grow and someone able and willing to help. It is reciprocal: the mentor usually brings more experience, but both learn, and both give time that has to be worth it.

## What it is

- **A partnership built on respect and trust.** Each of you speaks openly and listens properly. Respect comes first, even before you know each other well: the mentee respects the limits on a busy mentor’s time, the mentor respects the mentee’s own path.
- **Two-way.** Share what you know and what you do not. A mentor who also learns from the mentee keeps the relationship alive.
- **About growth, not only advice.** Skills and career steps matter, and so do confidence, judgement and finding one’s own professional identity.
- **Something that changes over time.** What the mentee needs in month two is not what they need in month ten. Expect to adjust.

## What it is not

- **Not therapy.** A mentor listens and supports, but is not a counsellor. When a conversation needs a professional — health, a crisis, a conflict at home — the mentor helps find that help rather than trying to be it.
- **Not a promise of promotion.** A mentor may open doors or vouch for you, and that is a choice, never an obligation of the relationship.
- **Not line management.** A mentor does not evaluate or assign work. Programs keep people out of their own reporting line for this reason: where one person has power over the other’s career, honest talk gets harder.
- **Not dependence.** The aim is a mentee who stands on their own. A relationship that makes the mentee lean on the mentor for every decision is not working, however friendly it feels.
- **Not a favour bank.** Neither of you should expect personal favours, credit for the other’s work, or a friendship neither wants.

## Before your first meeting

1. Write down, each of you, what you hope to get out of the relationship and what you can offer.
2. Read each other’s profile.
3. Say early what you will keep confidential and what is off limits.
4. Agree that either of you may end the relationship without blame if it does not work.

Most problems in mentoring come from expectations nobody said out loud. Saying them now costs one conversation.',
NULL, '["Preparation","Initiation","Contemplation","Building rapport"]', '["expectations","boundaries"]',
'["mentor","mentee"]', 0, 'what-mentoring-is-not', 0, 0),

(NULL, 'Setting direction: questions to ask',
'Once you know each other a little, it is time to decide what the relationship is for. Without direction and a plan, mentoring loses focus and momentum: meetings turn into pleasant chats that lead nowhere. These questions help the mentee find the direction and the mentor understand it. Take them over one or two meetings; there is no need to answer all of them at once.

## Where the mentee wants to go

- What are your vision and your career aspirations, in three years and further out?
- Where is your career right now? What is going well, and what feels stuck?
- What would you like to be able to do at the end of this relationship that you cannot do today?

## Who the mentee is

- What are your strengths? Which ones do you use too little?
- What are your weaknesses, or the things you avoid?
- What is your behavioural style: how do you work, decide and handle pressure?
- What is your leadership style, or the one you would like to grow into?

## What the relationship can do

- How can this relationship help: building new technical skills, exploring new ideas, forging a new career path, widening your network?
- What do you want from your mentor: challenge, a sounding board, introductions, feedback on your work?
- Mentor: what can you offer, and what can you not?

## Your top three goals

End with **at most three goals**. For each, write:

1. **What** exactly you want to achieve, in one sentence.
2. **How you will know** you got there: what you will see or be able to show.
3. **Why it matters** to you now.
4. **By when.**

Write the goals in the workspace, and put them in your partnership agreement. Come back to them every few meetings: a goal that no longer fits should be changed, not quietly dropped.',
NULL, '["Setting direction","Negotiating","Initiation"]', '["goals","career"]',
'["mentor","mentee"]', 1, 'setting-direction', 0, 0),

(NULL, 'Preparing a partnership agreement',
'A partnership agreement is a short written understanding between mentor and mentee: what you will work on, how, and how you will end. It is not a contract. It exists because clear expectations, set at the start, prevent most of the misunderstandings that derail mentoring relationships. In Tandem both of you sign it; when one of you changes it, both sign again.

## Talk it through first

Before anyone writes, discuss each point below in a meeting. The agreement records what you decided together; it should not surprise either of you.

## What goes in it

- **Goals.** A summary of the top goals you set (see *Setting direction: questions to ask*).
- **Roles and responsibilities.** What the mentor will do (listen, challenge, share experience, give honest feedback, make introductions where fitting) and what the mentee will do (drive the agenda, prepare, follow through, say when something is not helping).
- **How often and how you meet.** For example twice a month for an hour, by video, with an in-person meeting each quarter. Say who schedules.
- **How you stay in touch between meetings.** Messages in Tandem, e-mail, chat, and how quickly each of you can usually answer.
- **Confidentiality.** What is said stays between you unless you both agree otherwise — and the exceptions, such as a risk of harm.
- **Boundaries.** Topics that are off limits, times you are not available, and the reminder that mentoring is not therapy.
- **Duration.** When the relationship is planned to end and whether you may renew it.
- **A no-fault exit.** Either of you may end the relationship early, for any reason, without blame. Write it down: it makes it easier to use if needed, and the program helps with what comes next.

## Tips

- Keep it short. One page you both remember beats five nobody reads.
- Use your own words. A clause you would not say aloud does not belong there.
- Review it at the mid-point: is the frequency right, are the goals still the right ones?
- Sign it only when you both mean it.',
NULL, '["Negotiating","Initiation","Setting direction"]', '["agreement","expectations"]',
'["mentor","mentee"]', 2, 'partnership-agreement', 0, 0),

(NULL, 'Eight qualities of a successful relationship',
'The long middle of a mentoring relationship is where the work happens: meeting as agreed, working on the goals, reviewing progress. It is also where relationships quietly fade. These eight qualities are worth checking every month or two: each of you on your own first, then together.

1. **Articulation.** The mentor helps the mentee put feelings, thoughts and ideas into words; the mentee practises doing it. *Ask: can you say clearly what you want from our next meeting?*
2. **Listening.** Both listen actively: without interrupting, checking you understood, asking the next question instead of giving the next answer.
3. **Respect.** Without it the relationship never becomes open enough to matter. It shows in small things: being on time, being prepared, keeping confidences.
4. **Goal clarity.** Both understand the mentee’s objectives. It helps when the mentee knows the mentor’s goals too: the relationship becomes more reciprocal.
5. **Challenge.** Both should be stretched. A mentor who only agrees and a mentee who only nods are wasting each other’s time.
6. **Self-awareness.** The mentor draws on their own experience with insight, knowing what fits and what does not. The mentee knows themselves well enough to learn from the mentor’s example without copying it.
7. **Commitment to learning.** Both keep learning and growing; when one stops, the relationship stalls.
8. **Reflection and preparation.** The most common reason mentoring fails is that one or both stop investing time: arriving unprepared, skipping the follow-through. Spend ten minutes before each meeting and ten after.

## Keeping momentum

- **Recap each meeting** at its end: what was discussed, what was decided, the next steps. Tandem’s meeting recap holds it.
- **Start the next meeting with progress** since the last one.
- **Give and ask for feedback** regularly, both ways. Ask: what is most useful in our meetings, and what should we change?
- **Celebrate milestones.** A goal reached deserves to be noticed.
- **Adjust goals** when life changes. That is a sign of a living relationship, not a failure.',
NULL, '["Enabling growth","Cultivation","Growth and maintenance","Recap and progress"]', '["feedback","health","meetings"]',
'["mentor","mentee"]', 3, 'eight-qualities', 0, 0),

(NULL, 'Closing well',
'Every formal mentoring relationship ends. Ending well is a skill, and the last phase is as much part of the relationship as the first. Done right, it leaves the mentee more independent and both of you with a relationship you can come back to.

## Plan the end before it arrives

- Look at the planned end date a month or two ahead and talk about it openly.
- Decide together whether the goals are reached, need a last push, or should be handed on. Renewing is possible where the program allows it — choose it because there is more to do, not to avoid saying goodbye.
- Use the last meetings to build the mentee’s independence: the mentee leads, the mentor mostly asks.

## Reflect

Set aside one meeting for looking back. Each of you writes a reflection in Tandem:

- **What did you learn?** Mentors learn too: write it down.
- **What are the next steps for the mentee?** Who else can help with them?
- **What worked in the program, and what would you change?** Coordinators read this to improve the next round.

## Say thank you

Tell each other what made a difference, specifically. Tandem’s kudos send a short note to your partner; your coordinator may highlight your relationship for others to learn from.

## When it ends early

Sometimes one of you wants to stop before the planned end — the fit is wrong, work changed, life got in the way. That happens and nobody is to blame. Use the no-fault exit from your agreement, say it kindly and clearly, and let the coordinator know: a mentee can be matched again. Difficulty arises mostly when only one party wants to end and the other does not hear it, so say it out loud.

## After the end

The formal relationship ends; the connection need not. Many pairs stay in touch as colleagues. It will not be the same relationship — you meet as peers now — and that is the point. A former mentee may well become a mentor to someone else.',
NULL, '["Closure","Separation","Decline and dissolution","Redefinition"]', '["closure","reflection"]',
'["mentor","mentee"]', 4, 'closing-well', 0, 0);

-- The phase templates named resource titles that had no content; programs
-- made from them now name the starter articles that replace them.
UPDATE programs SET config = replace(config, '"Orientation guide"', '"What mentoring is and is not"');
UPDATE programs SET config = replace(config, '"Starting well"', '"What mentoring is and is not"');
UPDATE programs SET config = replace(config, '"Is mentoring for me?"', '"What mentoring is and is not"');
UPDATE programs SET config = replace(config, '"Building trust"', '"What mentoring is and is not"');
UPDATE programs SET config = replace(config, '"Setting direction questions"', '"Setting direction: questions to ask"');
UPDATE programs SET config = replace(config, '"Partnership agreement guide"', '"Preparing a partnership agreement"');
UPDATE programs SET config = replace(config, '"Giving feedback"', '"Eight qualities of a successful relationship"');
UPDATE programs SET config = replace(config, '"Career functions of mentoring"', '"Eight qualities of a successful relationship"');
UPDATE programs SET config = replace(config, '"Keeping momentum"', '"Eight qualities of a successful relationship"');
UPDATE programs SET config = replace(config, '"Meeting recaps"', '"Eight qualities of a successful relationship"');
UPDATE programs SET config = replace(config, '"Closing a mentoring relationship"', '"Closing well"');
UPDATE programs SET config = replace(config, '"Separation without loss"', '"Closing well"');
UPDATE programs SET config = replace(config, '"Ending well"', '"Closing well"');
UPDATE programs SET config = replace(config, '"Staying connected"', '"Closing well"');
