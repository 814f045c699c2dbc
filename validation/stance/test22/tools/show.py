"""Print each loaded essay with paragraph breaks, headings and sentence indices."""
import sys
import essaylab

corpus = essaylab.load_corpus('/work/sealed/test22/essays')
for e in corpus:
    if len(sys.argv) > 1 and e.id not in sys.argv[1:]:
        continue
    print('=' * 20, e.id, e.date)
    heads = dict(e.headings)
    last_p = None
    for p, i, s in e.sentence_records:
        if p != last_p:
            if p in heads:
                print(f'   ## {heads[p]}')
            print(f'  [para {p}]')
            last_p = p
        print(f'{i:3d} {s}')
