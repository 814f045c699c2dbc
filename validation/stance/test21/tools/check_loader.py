"""Loader check: every blank-line block of each raw file is front matter, body paragraph, heading or back matter,
in order, and no matter/heading text appears inside a body sentence."""
import re, sys
import essaylab
c = essaylab.load_corpus('/work/sealed/test21/essays')
ok = True
for e in c:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", e.raw) if b.strip()]
    heads = dict()
    for i, h in e.headings:
        heads.setdefault(i, []).append(h)
    body = []
    for i, p in enumerate(e.paragraphs):
        body += [('heading', h) for h in heads.get(i, [])] + [('para', p)]
    seq = [(m.kind, m.text) for m in e.front_matter] + body + [(m.kind, m.text) for m in e.back_matter]
    same = [t.strip() for _, t in seq] == blocks
    print(f"== {e.id}: blocks={len(blocks)} front={[m.kind for m in e.front_matter]} headings={[h for _, h in e.headings]} "
          f"paragraphs={len(e.paragraphs)} back={[m.kind for m in e.back_matter]} sentences={len(e.sentences)} words={e.n_words} blocks_match={same}")
    ok &= same
    matter = [m.text for m in e.front_matter + e.back_matter] + [h for _, h in e.headings]
    for s in e.sentences:
        for m in matter:
            if m.strip() in s or (len(s) > 20 and s in m):
                print("   LEAK:", m[:60], "|", s[:60]); ok = False
    if not 800 <= e.n_words <= 1000:
        print("   WORDS OUT OF RANGE", e.n_words); ok = False
print("ALL OK" if ok else "PROBLEMS")
