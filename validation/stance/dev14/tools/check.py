import sys; sys.path.insert(0, '/work/main/lib')
import essaylab, re
c = essaylab.load_corpus('/work/dev14/essays')
for e in c:
    raw_paras=[p.strip() for p in re.split(r'\n\s*\n', e.raw) if p.strip()]
    matter=[m.text.strip() for m in e.front_matter+e.back_matter]
    body=[p.strip() for p in e.paragraphs]
    assert raw_paras==[m.text.strip() for m in e.front_matter]+body+[m.text.strip() for m in e.back_matter], e.id
    joined=' '.join(e.sentences)
    for m in matter:
        assert m not in joined
    # sentences cover paragraphs
    assert re.sub(r'\s+','',''.join(e.sentences))==re.sub(r'\s+','',''.join(body)), e.id
    for name in [e.author, e.title]:
        assert name not in joined, (e.id,name)
    print(e.id, e.n_words, len(e.sentences), len(e.paragraphs), e.headings, [m.kind for m in e.front_matter], [m.kind for m in e.back_matter])
