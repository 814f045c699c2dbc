import sys; sys.path.insert(0, '/work/main/lib')
import essaylab
c = essaylab.load_corpus('/work/dev12/essays')
for e in c:
    print('=====', e.id, e.n_words, len(e.sentences), len(e.paragraphs), 'headings', e.headings)
    for m in e.front_matter: print('  FRONT', m.kind, '|', m.text[:80])
    for m in e.back_matter: print('  BACK', m.kind, '|', m.text[:80])
    if '-v' in sys.argv:
        for i,s in enumerate(e.sentences): print(f'  {i:2d} {s}')
