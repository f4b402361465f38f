class Backend:
    def __init__(self, project):
        self.project = project
        self.commands = []

    def clone(self, url):
        cmd = ["git", "clone", "--no-single-branch"]
        cmd.extend(["--depth", "50"])
        cmd.append(url)
        self.commands.append(cmd)
        return cmd

    def fetch(self):
        cmd = ["git", "fetch", "origin", "--tags", "--prune"]
        cmd.extend(["--depth", "50"])
        self.commands.append(cmd)
        return cmd
