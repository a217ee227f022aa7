"""newscms.cli."""


def main() -> None: ...
