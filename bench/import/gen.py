#!/usr/bin/python3
"""bench/import/gen.py - a seeded CSV of participants for `tandem import`.

    gen.py [--rows N] [--seed S] OUT.csv

Every column the importer knows, filled the way an HR export would be: a
third mentors, most of the rest mentees, a few coordinators and viewers;
managers from earlier rows; matching locations, time zones and UTC
offsets; tag lists of realistic length; free text with commas and quotes
(so fields need quoting). The same seed gives the same file.
"""
import argparse
import csv
import random

FIRST = ["Ada", "Bilal", "Chen", "Dora", "Emeka", "Farah", "Goran", "Hana", "Ivan", "Jun", "Kemi",
         "Lars", "Maya", "Nikhil", "Olga", "Pedro", "Qing", "Rosa", "Sami", "Tara", "Uma", "Viktor",
         "Wen", "Ximena", "Yusuf", "Zara", "Aino", "Bruno", "Carmen", "Dev", "Elif", "Félix", "Gita",
         "Hugo", "Inès", "Jonas", "Keiko", "León", "Mina", "Noor", "Oscar", "Priya", "Søren", "Zoë"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak", "Haddad", "Kowalski", "Nguyen",
        "Schmidt", "Costa", "Ibrahim", "Jensen", "Rossi", "O'Brien", "García", "Müller", "Dubois"]
DEPARTMENTS = ["Engineering", "Sales", "Finance", "People", "Product", "Operations", "Legal",
               "Marketing", "Support", "Research"]
TITLES = ["Analyst", "Engineer", "Senior Engineer", "Manager", "Director", "Specialist", "Lead",
          "Consultant", "Associate", "Principal"]
PLACES = [("Lisbon", "Europe/Lisbon", 0), ("Berlin", "Europe/Berlin", 1), ("Lyon", "Europe/Paris", 1),
          ("Osaka", "Asia/Tokyo", 9), ("Madrid", "Europe/Madrid", 1), ("Dublin", "Europe/Dublin", 0),
          ("New York", "America/New_York", -5), ("São Paulo", "America/Sao_Paulo", -3),
          ("Bangalore", "Asia/Kolkata", 5.5), ("Sydney", "Australia/Sydney", 10)]
SKILLS = ["public speaking", "negotiation", "sql", "leadership", "product strategy", "finance basics",
          "career planning", "stakeholder management", "data analysis", "coaching", "writing",
          "time management", "hiring", "budgeting", "python", "design reviews", "people management",
          "conflict resolution", "presentations", "mentoring", "customer discovery", "pricing"]
LANGUAGES = ["English", "French", "German", "Spanish", "Japanese", "Portuguese", "Hindi", "Dutch"]
INTERESTS = ["running", "chess", "music", "cooking", "hiking", "photography", "reading", "cycling"]
COMMUNICATION = ["video", "in person", "chat", "phone", "email"]
AVAILABILITY = ["mon am", "mon pm", "tue am", "tue pm", "wed am", "wed pm", "thu am", "thu pm",
                "fri am", "fri pm"]
STYLES = ["hands-on", "reflective", "theoretical", "pragmatic"]
COLUMNS = ["email", "name", "role", "department", "job_title", "job_level", "location", "time_zone",
           "manager_email", "capacity", "wants", "languages", "expertise", "development_needs",
           "interests", "communication", "availability", "learning_style", "utc_offset",
           "years_experience", "headline", "bio"]


def tags(rng, pool, lo, hi):
    return "; ".join(rng.sample(pool, rng.randint(lo, hi)))


def rows(n, rng):
    managers = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = "%s.%s.%d@bench.example" % (first.lower(), last.lower().replace("'", ""), i)
        email = email.encode("ascii", "ignore").decode()
        r = rng.random()
        role = "mentor" if r < 0.32 else "mentee" if r < 0.97 else "coordinator" if r < 0.985 else "viewer"
        city, tz, offset = rng.choice(PLACES)
        level = rng.randint(1, 15) + (4 if role == "mentor" else 0)
        years = rng.randint(8, 30) if role == "mentor" else rng.randint(0, 6)
        manager = rng.choice(managers) if managers and rng.random() < 0.6 else ""
        if level > 10 and rng.random() < 0.3:
            managers.append(email)
        yield {
            "email": email,
            "name": "%s %s" % (first, last),
            "role": role,
            "department": rng.choice(DEPARTMENTS),
            "job_title": rng.choice(TITLES),
            "job_level": level,
            "location": city,
            "time_zone": tz,
            "manager_email": manager,
            "capacity": rng.randint(1, 4) if role == "mentor" else "",
            # at most the demo program's max_mentors_per_mentee (1); the
            # draw stays so every other column is the same as before
            "wants": min(rng.randint(1, 2), 1) if role == "mentee" else "",
            "languages": tags(rng, LANGUAGES, 1, 3),
            "expertise": tags(rng, SKILLS, 2, 6) if role == "mentor" else "",
            "development_needs": tags(rng, SKILLS, 1, 4) if role == "mentee" else "",
            "interests": tags(rng, INTERESTS, 0, 3),
            "communication": tags(rng, COMMUNICATION, 1, 3),
            "availability": tags(rng, AVAILABILITY, 2, 5),
            "learning_style": rng.choice(STYLES),
            "utc_offset": offset,
            "years_experience": years,
            "headline": "%s, %s" % (rng.choice(TITLES), rng.choice(DEPARTMENTS)),
            "bio": 'Works on "%s" and %s; %d years here.' % (rng.choice(SKILLS), rng.choice(SKILLS),
                                                              rng.randint(1, 20)),
        }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=50000)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("out")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\r\n")
        w.writeheader()
        for row in rows(a.rows, rng):
            w.writerow(row)


if __name__ == "__main__":
    main()
