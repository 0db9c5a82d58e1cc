# The two commands a newcomer needs (see README.md), and the stages behind them.
.PHONY: harden test unit lint sanity engines
harden:
	./scripts/harden.sh
test:
	./scripts/test.sh
unit lint sanity engines:
	STOCKADE_STAGES=$@ ./scripts/test.sh
