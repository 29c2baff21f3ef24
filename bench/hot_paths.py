#!/usr/bin/env python3
"""Sends N requests of one hot path to a partnerd server over one keep-alive connection, as
bench/instructions.sh counts the server's instructions for them; fails on any unexpected status.

usage: hot_paths.py BASE_URL TOKEN PATH N
PATH:  first (the first page of 100), filtered (a company-name prefix page), by-id (one
       customer), create (a new customer, each with its own domain and MS-RequestId)
"""
import http.client
import json
import sys
import urllib.parse
import uuid

EXAMPLE = "examples/customer.json"


def main():
    base, token, path, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    headers = {
        "Authorization": f"Bearer {token}",
        "MS-CorrelationId": "5bd2c0b4-5a1e-4c8e-9d43-0b1c2a7e9f10",
    }

    def call(method, target, body=None, extra=None, expect=200):
        conn.request(method, target, body=body, headers={**headers, **(extra or {})})
        res = conn.getresponse()
        data = res.read()
        if res.status != expect:
            sys.exit(f"{method} {target}: {res.status} {data[:300]!r}")
        return data

    customer_id = json.loads(call("GET", "/v1/customers?size=1"))["items"][0]["id"]
    prefix = urllib.parse.quote(json.dumps({"Field": "CompanyName", "Value": "con", "Operator": "starts_with"}))
    template = json.load(open(EXAMPLE))
    run = uuid.uuid4().hex[:8]
    for i in range(count):
        if path == "first":
            call("GET", "/v1/customers?size=100")
        elif path == "filtered":
            call("GET", f"/v1/customers?size=100&filter={prefix}")
        elif path == "by-id":
            call("GET", f"/v1/customers/{customer_id}")
        elif path == "create":
            template["companyProfile"]["domain"] = f"hot{run}{i}.onmicrosoft.com"
            body = json.dumps(template)
            extra = {"Content-Type": "application/json", "MS-RequestId": str(uuid.uuid4())}
            call("POST", "/v1/customers", body=body, extra=extra, expect=201)
        else:
            sys.exit(f"unknown path {path}")


if __name__ == "__main__":
    main()
