"""`python -m tutorcal`: the same command as `tutorcal`."""

from tutorcal.cli import main

main()
