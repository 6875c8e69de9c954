"""The walkthrough dock's contents: the live sequence diagram, the scenario player, the opt-out
lab."""
