"""The customer-account onboarding from Python, against the partnerd at PARTNERD_BASE_URL with the
token in PARTNERD_TOKEN: the country's rules, the partner's resellers, a customer's relationships
and managed services through the generated client `partnercenterservices` (which has those
operations), and address validation, the customer, the agreement template, the attestation and
its read-back (with the template's document) through `requests` (which the generated client lacks). Exits non-zero, with the
reason, when anything is not as expected. Run by crates/partnerd/tests/python_client.rs."""

import datetime
import os
import sys
import uuid

import requests
from msrest.authentication import BasicTokenAuthentication
from microsoft.store.partnercenterservices import MicrosoftPartnerStoreApis

BASE = os.environ["PARTNERD_BASE_URL"].rstrip("/")
HEADERS = {"Authorization": "Bearer " + os.environ["PARTNERD_TOKEN"]}


def main():
    api = MicrosoftPartnerStoreApis(
        BasicTokenAuthentication({"access_token": os.environ["PARTNERD_TOKEN"]}), base_url=BASE
    )
    rules = api.getvversioncountryvalidationrulescountry("us", "1")
    check(rules.iso2_code == "US" and rules.is_state_required, f"the US rules, got {rules}")
    check("WA" in rules.supported_states_list, "WA among the US states")

    address = {"addressLine1": "1 Microsoft Way", "city": "Redmond", "state": "WA", "postalCode": "98052", "country": "US"}
    verdict = requests.post(f"{BASE}/v1/validations/address", json=address, headers=HEADERS, timeout=30).json()
    check(verdict["status"] == "Verified", f"a verified address, got {verdict}")

    body = {
        "companyProfile": {"domain": "pyacct" + uuid.uuid4().hex[:16] + ".onmicrosoft.com"},
        "billingProfile": {
            "email": "billing@example.com", "culture": "en-US", "language": "en",
            "companyName": "Python Onboarding", "defaultAddress": address,
        },
    }
    no_postal = dict(body, billingProfile=dict(body["billingProfile"], defaultAddress=dict(address, postalCode="")))
    refused = requests.post(f"{BASE}/v1/customers", json=no_postal, headers=HEADERS, timeout=30)
    named = refused.json().get("data") if refused.status_code == 400 else None
    check(named == ["billingProfile.defaultAddress.postalCode"], f"a refusal naming the postal code, got {refused.text}")
    created = requests.post(f"{BASE}/v1/customers", json=body, headers=HEADERS, timeout=30)
    check(created.status_code == 201, f"a created customer, got {created.status_code} {created.text}")
    customer = created.json()["id"]

    templates = requests.get(
        f"{BASE}/v1/agreements", params={"agreementType": "MicrosoftCustomerAgreement"}, headers=HEADERS, timeout=30
    ).json()
    template = templates["items"][0]["templateId"]
    document = requests.get(
        f"{BASE}/v1/agreementtemplates/{template}/document", params={"country": "US"}, headers=HEADERS, timeout=30
    ).json()
    check(document["language"] == "en-US" and document["downloadUri"].startswith("https://"), f"the document, got {document}")
    now = datetime.datetime.now(datetime.timezone.utc).isoformat()
    attestation = {
        "primaryContact": {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"},
        "templateId": template, "dateAgreed": now, "type": "MicrosoftCustomerAgreement",
    }
    url = f"{BASE}/v1/customers/{customer}/agreements"
    attested = requests.post(url, json=attestation, headers=HEADERS, timeout=30)
    check(attested.status_code == 201, f"the attestation stored, got {attested.status_code} {attested.text}")
    read = requests.get(url, params={"agreementType": "MicrosoftCustomerAgreement"}, headers=HEADERS, timeout=30).json()
    check(read["items"] == [attested.json()], f"the attestation read back, got {read}")
    refused = requests.post(url, json=dict(attestation, dateAgreed="2999-01-01T00:00:00Z"), headers=HEADERS, timeout=30)
    check(refused.status_code == 400 and refused.json()["data"] == ["dateAgreed"], f"a refusal naming dateAgreed, got {refused.text}")

    relationships = api.getvversioncustomerscustomer.idrelationships(customer, "1")
    check(relationships.total_count == 0, "a direct customer has no reseller")
    services = api.getvversioncustomerscustomer.idmanagedservices(customer, "1")
    check(services.items[0].id == "Exchange", f"managed services, got {services.items}")
    resellers = api.getvversionrelationshipsrelationship.value("1", relationship_type="IsIndirectCloudSolutionProviderOf")
    check(resellers.total_count == int(os.environ["PARTNERD_RESELLERS"]), f"the seeded resellers, got {resellers.items}")
    print(f"python accounts: attested {customer} with template {template}")


def check(ok, what):
    if not ok:
        print(f"python accounts: expected {what}", file=sys.stderr)
        sys.exit(1)


main()
