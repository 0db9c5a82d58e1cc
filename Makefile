# The two commands a newcomer needs (see README.md), and the stages behind them.
.PHONY: harden test unit lint sanity engines lab
harden:
	./scripts/harden.sh
test:
	./scripts/test.sh
unit lint sanity engines lab:
	STOCKADE_STAGES=$@ ./scripts/test.sh
