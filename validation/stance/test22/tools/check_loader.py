"""Loader check: every blank-line block of each raw file is front matter, a body paragraph, a heading or back
matter; no front/back matter or heading text ends up inside a body sentence. Prints body lengths."""
import re
import essaylab

corpus = essaylab.load_corpus('/work/sealed/test22/essays')
norm = lambda s: " ".join(s.split())
ok = True
for e in corpus:
    blocks = [norm(b) for b in re.split(r"\n\s*\n", e.raw) if b.strip()]
    front = [norm(m.text) for m in e.front_matter]
    back = [norm(m.text) for m in e.back_matter]
    heads = [norm(h) for _, h in e.headings]
    paras = [norm(p) for p in e.paragraphs]
    where = []
    for b in blocks:
        kinds = [k for k, lst in (("front", front), ("body", paras), ("heading", heads), ("back", back)) if b in lst]
        if len(kinds) != 1:
            ok = False
            print("UNACCOUNTED/AMBIGUOUS", e.id, kinds, b[:60])
        where.append({"front": "F", "body": "P", "heading": "H", "back": "B"}[kinds[0]] if kinds else "?")
    n_acc = len(front) + len(paras) + len(heads) + len(back)
    if n_acc != len(blocks):
        ok = False
        print("COUNT MISMATCH", e.id, n_acc, len(blocks))
    joined = " ".join(paras)
    if norm(" ".join(e.sentences)) != joined.replace("  ", " "):
        # sentences must reproduce the body text (modulo whitespace)
        if norm(" ".join(e.sentences)) != norm(joined):
            ok = False
            print("SENTENCES DO NOT REBUILD BODY", e.id)
    for m in front + back + heads:
        for s in e.sentences:
            if m in norm(s) or (len(m) > 25 and m[:25] in norm(s)):
                ok = False
                print("MATTER IN SENTENCE", e.id, m[:40], "|", s[:60])
    print(f"{e.id}: blocks={len(blocks)} layout={''.join(where)} front={[m.kind for m in e.front_matter]} "
          f"headings={len(heads)} paragraphs={len(paras)} back={[m.kind for m in e.back_matter]} "
          f"sentences={len(e.sentences)} n_words={e.n_words}")
print("LOADER CHECK:", "OK" if ok else "PROBLEMS")
