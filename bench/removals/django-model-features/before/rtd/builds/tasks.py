from rtd.builds.constants import BUILD_OPTIONS
from rtd.projects.models import Feature
from rtd.vcs.git import Backend


def build_image(project):
    if project.has_feature(Feature.USE_TESTING_BUILD_IMAGE):
        return "readthedocs/build:testing"
    return "readthedocs/build:latest"


def checkout(project, url):
    backend = Backend(project)
    backend.clone(url)
    backend.fetch()
    return backend.commands


def options():
    return [name for name, _ in BUILD_OPTIONS]
