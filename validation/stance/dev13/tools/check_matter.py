import sys; sys.path.insert(0, '/work/main/lib')
import essaylab
c = essaylab.load_corpus('/work/dev13/essays')
for e in c:
    print('==', e.id, e.n_words, len(e.sentences), len(e.paragraphs), 'headings', e.headings)
    print('  FRONT', [(m.kind, m.text[:50]) for m in e.front_matter])
    print('  BACK', [(m.kind, m.text[:50]) for m in e.back_matter])
    # check no body lost: every raw paragraph either in front/back/paragraphs
    raw_pars=[p.strip() for p in e.raw.split('\n\n') if p.strip()]
    body=set(e.paragraphs); mat={m.text.strip() for m in e.front_matter+e.back_matter}
    for p in raw_pars:
        if p not in body and p not in mat: print('  LOST?', p[:60])
    joined=' '.join(e.sentences)
    for p in e.paragraphs:
        if ' '.join(p.split()) != ' '.join(' '.join(s for pi,_,s in e.sentence_records if e.paragraphs[pi]==p).split()):
            print('  PARA MISMATCH', p[:50])
    if len(sys.argv)>1:
        for i,s in enumerate(e.sentences): print(f'  {i:2d} {s}')
