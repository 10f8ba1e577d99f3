"""Stands in for `lessons.demo` in the seed_demo extension test."""

calls = []


def seed(stdout):
    from cms.models import OrgUnit

    # Extensions run after the organisation exists.
    calls.append(OrgUnit.objects.filter(code="jiangpu").exists())
    stdout.write("extension seeded\n")
