import sys, re, csv; sys.path.insert(0, '/work/main/lib')
import essaylab
c = essaylab.load_corpus('/work/dev7/essays')
norm = lambda s: ' '.join(s.split())
ok = True
for e in c:
    raw_paras = [norm(p) for p in re.split(r'\n\s*\n', e.raw) if p.strip()]
    matter = [norm(m.text) for m in e.front_matter] + [norm(m.text) for m in e.back_matter]
    body = [norm(p) for p in e.paragraphs]
    assert raw_paras == [norm(m.text) for m in e.front_matter] + body + [norm(m.text) for m in e.back_matter], e.id
    joined = norm(' '.join(e.sentences)); assert joined == norm(' '.join(body)), e.id   # no body text lost
    for m in matter:
        for s in e.sentences:
            if norm(m) in s or (len(s) > 20 and s in m): ok = False; print('MATTER IN BODY', e.id, s)
    names = e.author.split()
    for s in e.sentences:
        if any(n in s for n in names if len(n) > 4): ok = False; print('NAME IN BODY', e.id, s)
    print(e.id, 'front', [m.kind for m in e.front_matter], 'back', [m.kind for m in e.back_matter], 'headings', len(e.headings))
print('ok' if ok else 'PROBLEM')
