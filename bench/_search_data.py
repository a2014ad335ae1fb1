"""Generated doctors and queries for bench.search (not a benchmark itself: `make bench`
runs bench/[a-z]*.py only).

Rows go in with bulk INSERTs, bypassing the ORM, so 10,000 doctors take seconds; on SQLite
the FTS5 triggers fill the full-text index, on PostgreSQL the generated tsvector column.
About 5% of doctors are unverified or suspended, so the listing rule has work to do.
"""

from __future__ import annotations

import random
from dataclasses import replace

from sqlalchemy import Engine, insert, text

from odcp.models.base import utcnow
from odcp.models.doctor import DoctorProfile, DoctorSearchDocument, DoctorSpecialty, Specialty
from odcp.models.user import User
from odcp.services.search import DoctorQuery

FIRST = [
    "Amara", "Lucas", "Priya", "Sofia", "James", "Mei", "Omar", "Elena", "Noah", "Aisha",
    "Mateo", "Yuki", "Hana", "Ivan", "Fatima", "Liam", "Chloe", "Ravi", "Sara", "Jonas", "Ana",
    "Kofi", "Lena", "Diego", "Nadia", "Tomas", "Leila", "Arjun", "Greta", "Samir", "Ines",
    "Hugo", "Maya", "Emeka", "Clara", "Felix", "Zara", "Pablo", "Irene", "Kenji",
]
LAST = [
    "Okafor", "Meyer", "Raman", "Alvarez", "Whitfield", "Chen", "Haddad", "Rossi", "Novak",
    "Tanaka", "Silva", "Berg", "Kowalski", "Mensah", "Dubois", "Ivanova", "Costa", "Nakamura",
    "Schmidt", "Patel", "Garcia", "Nilsson", "Ahmed", "Moreau", "Fischer", "Kim", "Lopez",
    "Adeyemi", "Brennan", "Sato", "Romano", "Weber", "Khan", "Larsen", "Petrov", "Horvat",
    "Mendes", "Quinn", "Varga", "Osei", "Lindqvist", "Abbasi", "Ferreira", "Ozturk", "Murphy",
    "Jensen",
]
SPECIALTIES = {
    "Cardiology": "chest pain, palpitations, arrhythmia, hypertension, heart failure",
    "Dermatology": "acne, eczema, psoriasis, rashes, moles, hair loss",
    "Pediatrics": "child fever, vaccinations, growth, asthma, ear infections",
    "Psychiatry": "anxiety, depression, insomnia, ADHD, stress",
    "General Practice": "cold, flu, fever, cough, sore throat, diabetes check-up",
    "Endocrinology": "diabetes, thyroid disorders, obesity, osteoporosis",
    "Gastroenterology": "reflux, irritable bowel, ulcers, hepatitis, constipation",
    "Neurology": "migraine, epilepsy, stroke recovery, neuropathy, tremor",
    "Orthopedics": "back pain, sports injuries, arthritis, fractures, knee pain",
    "Pulmonology": "asthma, bronchitis, sleep apnea, chronic cough, COPD",
    "Gynecology": "menstrual problems, contraception, menopause, pregnancy care",
    "Urology": "urinary infections, kidney stones, prostate problems",
    "Ophthalmology": "red eye, dry eye, glaucoma, cataract advice, vision changes",
    "Otolaryngology": "sinusitis, tonsillitis, hearing loss, vertigo, ear infections",
    "Nephrology": "kidney disease, high blood pressure, dialysis advice",
    "Rheumatology": "rheumatoid arthritis, lupus, gout, joint pain",
    "Allergy": "hay fever, food allergy, hives, asthma, eczema",
    "Infectious Disease": "travel medicine, tuberculosis, HIV care, fever",
    "Nutrition": "weight loss, diet planning, cholesterol, diabetes diet",
    "Geriatrics": "memory problems, falls, frailty, many medicines",
}
LANGS = ["en", "es", "fr", "de", "hi", "zh", "ar", "it", "pt", "ru", "ja", "ta", "ur"]
MODE_SETS = [["video"], ["video", "audio"], ["video", "chat"], ["video", "audio", "chat"],
             ["audio", "chat"], ["chat"]]
SORTS = ["relevance", "relevance", "relevance", "rating", "fee_low", "fee_high"]


def slug(name: str) -> str:
    return "-".join(name.lower().split())


def populate(engine: Engine, doctors: int, seed: int = 42) -> None:
    """Insert `doctors` doctors (users, profiles, other specialties, search documents)."""
    rnd = random.Random(seed)
    now = utcnow()
    names = list(SPECIALTIES)
    specs = [{"id": i + 1, "name": n, "slug": slug(n), "description": "", "active": True,
              "created_at": now} for i, n in enumerate(names)]
    users, profiles, others, docs = [], [], [], []
    for i in range(1, doctors + 1):
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        spec = rnd.randrange(len(names))
        modes = rnd.choice(MODE_SETS)
        fee = rnd.randrange(20, 200) * 100
        fees = {m: max(1000, fee - (1000 if m == "chat" else 0)) for m in modes}
        langs = ["en", *rnd.sample(LANGS[1:], rnd.randrange(0, 3))]
        unlisted = rnd.random() < 0.05
        users.append({"id": i, "email": f"doctor{i}@bench.example", "password_hash": "x",
                      "full_name": f"Dr. {first} {last}", "role": "doctor",
                      "status": "suspended" if unlisted and i % 2 else "active",
                      "timezone": "UTC", "language": "en", "created_at": now,
                      "updated_at": now})
        conditions = SPECIALTIES[names[spec]]
        bio = (f"Dr. {first} {last} practises {names[spec].lower()} with a special interest "
               f"in {rnd.choice(conditions.split(', '))}. Trained with Dr. "
               f"{rnd.choice(LAST)} and speaks {len(langs)} languages.")
        profiles.append({
            "id": i, "user_id": i, "specialty_id": spec + 1, "qualifications": "MBBS, MD",
            "licence_number": f"REG-{i:06d}", "years_experience": rnd.randrange(1, 40),
            "languages": langs, "modes": modes, "fee_cents": fee, "fees_by_mode": fees,
            "currency": "USD", "bio": bio, "timezone": "UTC",
            "verification_status": "submitted" if unlisted and not i % 2 else "verified",
            "rating_avg": round(rnd.uniform(2.5, 5.0), 2), "rating_count": rnd.randrange(60),
            "created_at": now, "conditions_treated": conditions,
        })
        extra = rnd.randrange(len(names)) if rnd.random() < 0.3 else spec
        if extra != spec:
            others.append({"doctor_id": i, "specialty_id": extra + 1})
        docs.append({"doctor_id": i, "name": f"{first} {last}",
                     "specialties": " ".join({names[spec], names[extra]}),
                     "conditions": conditions, "bio": bio})
    with engine.begin() as conn:
        for model, rows in ((Specialty, specs), (User, users), (DoctorProfile, profiles),
                            (DoctorSpecialty, others), (DoctorSearchDocument, docs)):
            conn.execute(insert(model.__table__), rows)
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()


def queries(count: int, seed: int = 7) -> list[DoctorQuery]:
    """Text plus one to three filters, as a patient types them: a name, a specialty or a
    condition, often cut short mid-word."""
    rnd = random.Random(seed)
    out = []
    for _ in range(count):
        kind = rnd.randrange(3)
        if kind == 0:
            word = rnd.choice(LAST)
        elif kind == 1:
            word = rnd.choice(list(SPECIALTIES)).split()[0]
        else:
            word = rnd.choice(rnd.choice(list(SPECIALTIES.values())).split(", ")).split()[0]
        typed = word[:rnd.randrange(3, len(word) + 1)] if len(word) > 3 else word
        q = DoctorQuery(text=typed, sort=rnd.choice(SORTS), page=rnd.choice([1, 1, 1, 2]))
        for name in rnd.sample(["specialty", "language", "mode", "fee", "min_experience",
                                "min_rating"], rnd.randrange(1, 4)):
            if name == "specialty":
                q = replace(q, specialty=slug(rnd.choice(list(SPECIALTIES))))
            elif name == "language":
                q = replace(q, language=rnd.choice(LANGS[:7]))
            elif name == "mode":
                q = replace(q, mode=rnd.choice(["video", "audio", "chat"]))
            elif name == "fee":
                low = rnd.randrange(0, 120)
                q = replace(q, fee_min=low, fee_max=low + rnd.randrange(20, 100))
            elif name == "min_experience":
                q = replace(q, min_experience=rnd.choice([5, 10, 15, 20]))
            else:
                q = replace(q, min_rating=rnd.choice([3.0, 4.0, 4.5]))
        out.append(q)
    return out
