#!/usr/bin/env python3
"""Writes N customers in the create wire format as JSON lines (for `partnerd import`).

usage: gen_customers.py N [--invalid-every K] > customers.jsonl
Domains are unique per run (a random tag); every K-th record is made invalid when asked.
"""
import json
import random
import sys

STEMS = ["Contoso", "Fabrikam", "Northwind", "Ärzte", "Zürich", "Litware", "Café Olé", "Tailspin", "東京"]
SUFFIXES = ["Ltd", "GmbH", "Inc.", "AB", "KK", "LLC"]


def main():
    n = int(sys.argv[1])
    invalid_every = int(sys.argv[sys.argv.index("--invalid-every") + 1]) if "--invalid-every" in sys.argv else 0
    tag = "%06x" % random.randrange(1 << 24)
    out = sys.stdout
    for i in range(n):
        name = f"{STEMS[i % len(STEMS)]} {i // len(STEMS)} {SUFFIXES[i % len(SUFFIXES)]}"
        record = {
            "companyProfile": {"domain": f"imp{tag}{i:x}.onmicrosoft.com", "companyName": name},
            "billingProfile": {
                "email": f"billing{i}@example.com", "culture": "en-US", "language": "en", "companyName": name,
                "defaultAddress": {"country": "US", "city": "Redmond", "addressLine1": f"{i} Main St", "postalCode": "98052"},
            },
        }
        if invalid_every and i % invalid_every == invalid_every - 1:
            record["billingProfile"]["email"] = None
        out.write(json.dumps(record, ensure_ascii=False))
        out.write("\n")


if __name__ == "__main__":
    main()
