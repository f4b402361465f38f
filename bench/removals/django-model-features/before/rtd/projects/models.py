"""Projects and the features they may have turned on."""


def _(text):
    return text


class Project:
    def __init__(self, slug, features=()):
        self.slug = slug
        self.features = set(features)

    def has_feature(self, feature_id):
        return feature_id in self.features


class Feature:
    """A feature flag a project can have turned on in the admin."""

    # Feature constants: features are plain strings, these are the ones code reads.
    MKDOCS_THEME_RTD = "mkdocs_theme_rtd"
    DONT_SHALLOW_CLONE = "dont_shallow_clone"
    USE_TESTING_BUILD_IMAGE = "use_testing_build_image"
    SKIP_SYNC_TAGS = "skip_sync_tags"

    FEATURES = (
        (MKDOCS_THEME_RTD, _("MkDocs: use the Read the Docs theme by default")),
        (DONT_SHALLOW_CLONE, _("Build: do not shallow clone when cloning git repos")),
        (USE_TESTING_BUILD_IMAGE, _("Build: use the testing build image")),
        (SKIP_SYNC_TAGS, _("Webhook: skip syncing tags")),
    )

    def __init__(self, feature_id):
        self.feature_id = feature_id

    def get_feature_display(self):
        return dict(self.FEATURES)[self.feature_id]
