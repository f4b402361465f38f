from rtd.builds import tasks
from rtd.projects.models import Feature, Project


def test_shallow_clone():
    commands = tasks.checkout(Project("docs"), "https://example.com/docs.git")
    assert commands == [
        ["git", "clone", "--no-single-branch", "--depth", "50", "https://example.com/docs.git"],
        ["git", "fetch", "origin", "--tags", "--prune", "--depth", "50"],
    ]


def test_build_options_are_not_features():
    assert tasks.options() == ["dont_shallow_clone", "fast"]


def test_testing_image():
    project = Project("docs", [Feature.USE_TESTING_BUILD_IMAGE])
    assert tasks.build_image(project) == "readthedocs/build:testing"


def test_display():
    assert Feature(Feature.SKIP_SYNC_TAGS).get_feature_display() == "Webhook: skip syncing tags"
