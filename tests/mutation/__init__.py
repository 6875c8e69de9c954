"""Mutation testing of the modules where a wrong answer is silent (see ``__main__``)."""
