import sys; sys.path.insert(0, '/work/main/lib')
import essaylab
c = essaylab.load_corpus('/work/dev14/essays')
for e in c:
    print('=====', e.id, e.n_words, len(e.sentences), 'paras', len(e.paragraphs), 'headings', e.headings)
    print('FRONT', [(m.kind, m.text[:50]) for m in e.front_matter])
    print('BACK', [(m.kind, m.text[:50]) for m in e.back_matter])
    for i, s in enumerate(e.sentences):
        print(i, s)
