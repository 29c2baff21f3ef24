"""The users onboarding (docs/users.md) through the generated Python client
`partnercenterservices`, against the partnerd at PARTNERD_BASE_URL with the token in
PARTNERD_TOKEN (for partner PARTNERD_PARTNER): create a customer, find its admin, create a
user, give the customer SKUs (control plane), assign a license and see the consumed unit,
delete the user, find it among the deleted, restore it. Exits non-zero, saying why, when
anything is not as expected. Run by crates/partnerd/tests/python_users.rs."""

import json
import os
import sys
import urllib.request
import uuid

from msrest.authentication import BasicTokenAuthentication
from microsoft.store.partnercenterservices import MicrosoftPartnerStoreApis, models

# The generated models type passwords as .NET SecureString objects; the service sends strings
# (the workaround docs/clients.md gives for userCredentials).
models.MicrosoftPartnerSdkContractsV1UserCredentials._attribute_map["password"]["type"] = "str"
models.MicrosoftPartnerSdkContractsV1ContractsPasswordProfile._attribute_map["password"]["type"] = "str"

BUSINESS_STANDARD = "f245ecc8-75af-4f8e-b61f-27d8114de5f3"
INACTIVE = '{"Field":"UserState","Value":"Inactive","Operator":"equals"}'


def main():
    base = os.environ["PARTNERD_BASE_URL"]
    credentials = BasicTokenAuthentication({"access_token": os.environ["PARTNERD_TOKEN"]})
    api = MicrosoftPartnerStoreApis(credentials, base_url=base)

    domain = "pyusers" + uuid.uuid4().hex[:16] + ".onmicrosoft.com"
    address = models.MicrosoftPartnerSdkContractsV1Address(
        country="US", city="Redmond", address_line1="1 Microsoft Way", postal_code="98052"
    )
    customer = api.postvversioncustomers(
        models.MicrosoftPartnerSdkContractsV1Customer(
            company_profile=models.MicrosoftPartnerSdkContractsV1CustomerCompanyProfile(domain=domain),
            billing_profile=models.MicrosoftPartnerSdkContractsV1CustomerBillingProfile(
                email="billing@example.com", culture="en-US", language="en",
                company_name="Python Users Example", default_address=address,
            ),
        ),
        "1",
        ms_request_id=str(uuid.uuid4()),
    )
    c = customer.id

    users = api.getvversioncustomerscustomer.value6(c, "1", size=0)
    upns = [u.user_principal_name for u in users.items]
    check(upns == [f"admin@{domain}"], f"the admin user, got {upns}")

    user = api.postvversioncustomerscustomer.idusers(
        c,
        models.MicrosoftPartnerSdkContractsV1CustomerUser(
            user_principal_name=f"grace@{domain}", display_name="Grace Hopper", usage_location="US",
            password_profile=models.MicrosoftPartnerSdkContractsV1ContractsPasswordProfile(
                password="Compile-r1952", force_change_password=True
            ),
        ),
        "1",
        ms_request_id=str(uuid.uuid4()),
    )
    check(user.state == "active" and user.password_profile.password == "Compile-r1952", f"a created user, got {user}")

    put = urllib.request.Request(
        f"{base}/_partnerd/partners/{os.environ['PARTNERD_PARTNER']}/customers/{c}/subscribedskus",
        data=json.dumps({"skus": [{"sku": "O365_BUSINESS_PREMIUM", "activeUnits": 10}]}).encode(),
        method="PUT",
    )
    check(urllib.request.urlopen(put).status == 200, "SKUs set through the control plane")

    update = api.postvversioncustomerscustomer.idlicenseupdates(
        c, user.id, "1",
        licenses_to_assign=[models.MicrosoftPartnerSdkContractsV1UserLicenseManagementLicenseAssignment(
            sku_id=BUSINESS_STANDARD
        )],
    )
    check(update.licenses_to_assign[0].sku_id == BUSINESS_STANDARD, f"the assignment applied, got {update}")
    skus = api.getvversioncustomerscustomer.value4(c, "1")
    consumed = [(s.product_sku.sku_part_number, s.consumed_units, s.available_units) for s in skus.items]
    check(consumed == [("O365_BUSINESS_PREMIUM", 1, 9)], f"one consumed unit, got {consumed}")

    api.deletevversioncustomerscustomer.id2(c, user.id, "1")
    deleted = api.getvversioncustomerscustomer.value6(c, "1", filter=INACTIVE)
    check([u.id for u in deleted.items] == [user.id], "the deleted user among the deleted")
    check(deleted.items[0].soft_deletion_time is not None, "its deletion time")

    # The generated PATCH operation returns nothing (it reads no body): read the user back.
    api.patchvversioncustomerscustomer.id2(
        c, user.id, models.MicrosoftPartnerSdkContractsV1CustomerUser(state="active"), "1"
    )
    restored = api.getvversioncustomerscustomer.id2(c, user.id, "1")
    check(restored.state == "active", f"the user restored, got {restored.state}")
    again = api.getvversioncustomerscustomer.value6(c, "1", sort_optionsort_field="DisplayName",
                                                    sort_optionsort_direction="ascending")
    names = [u.display_name for u in again.items]
    check(names == ["Grace Hopper", "Python Users Example"], f"both users active again, got {names}")
    print(f"python client: onboarded user {user.id} of customer {c}")


def check(ok, what):
    if not ok:
        print(f"python client: expected {what}", file=sys.stderr)
        sys.exit(1)


main()
