import sys, essaylab
c = essaylab.load_corpus('/work/sealed/test20/essays')
for e in c:
    if len(sys.argv) > 1 and e.id not in sys.argv[1:]: continue
    print(e.id, 'words', e.n_words, 'sents', len(e.sentences), 'paras', len(e.paragraphs))
    print('FRONT', e.front_matter); print('BACK', e.back_matter); print('HEAD', e.headings)
    for p, i, s in e.sentence_records: print(p, i, s)
