"""Benchmarks: `make bench` (`python -m bench`) measures the issue's table and prints it:
each measure, ours, its baseline measured in the same run, the ratio, and the goal.
`python -m bench sync photos` runs only the named measures; `python -m bench --list`
names them. Figures go in README.md."""
