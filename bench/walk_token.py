#!/usr/bin/env python3
"""Walks N pages of a list (following links.next with its header) and prints the last token.

usage: walk_token.py BASE_URL TOKEN SIZE PAGES
"""
import json
import sys
import urllib.request


def main():
    base, bearer, size, pages = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    uri, token = f"/v1/customers?size={size}", None
    for _ in range(pages):
        req = urllib.request.Request(base + uri, headers={"Authorization": f"Bearer {bearer}"})
        if token:
            req.add_header("MS-ContinuationToken", token)
        with urllib.request.urlopen(req) as res:
            body = json.load(res)
        nxt = body["links"].get("next")
        if not nxt:
            sys.exit("the list ended before the requested depth")
        uri = nxt["uri"]
        token = next(h["value"] for h in nxt["headers"] if h["key"] == "MS-ContinuationToken")
    print(token)


if __name__ == "__main__":
    main()
