from proj.compute import run


def test_run():
    assert run(3) == 6
