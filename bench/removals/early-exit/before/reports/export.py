from UnleashClient import UnleashClient

client = UnleashClient()


def export(rows):
    if client.is_enabled("legacy_export"):
        return legacy_csv(rows)
    return "\n".join(",".join(map(str, row)) for row in rows)


def legacy_csv(rows):
    return ";".join(str(row) for row in rows)
