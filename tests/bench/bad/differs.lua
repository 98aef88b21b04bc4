-- differs: prints something else than differs.c.
print("differs 2")
