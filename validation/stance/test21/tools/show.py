import sys, essaylab
c = essaylab.load_corpus('/work/sealed/test21/essays')
for e in c:
    if len(sys.argv) > 1 and e.id not in sys.argv[1:]:
        continue
    print('=====', e.id, e.date)
    last = None
    for p, i, s in e.sentence_records:
        if p != last:
            print(f'  -- paragraph {p}')
            last = p
        print(f'{i:3d} {s}')
