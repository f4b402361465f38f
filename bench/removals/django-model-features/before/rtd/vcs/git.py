from rtd.projects.models import Feature


class Backend:
    def __init__(self, project):
        self.project = project
        self.commands = []

    def use_shallow_clone(self):
        """Shallow clone the repository, unless the project turned that off."""
        return not self.project.has_feature(Feature.DONT_SHALLOW_CLONE)

    def clone(self, url):
        cmd = ["git", "clone", "--no-single-branch"]
        if self.use_shallow_clone():
            cmd.extend(["--depth", "50"])
        cmd.append(url)
        self.commands.append(cmd)
        return cmd

    def fetch(self):
        cmd = ["git", "fetch", "origin", "--tags", "--prune"]
        if self.use_shallow_clone():
            cmd.extend(["--depth", "50"])
        self.commands.append(cmd)
        return cmd
