import re, essaylab
c = essaylab.load_corpus('/work/sealed/test20/essays')
for e in c:
    blocks = [b.strip() for b in re.split(r'\n\s*\n', e.raw) if b.strip()]
    fm = [m.text.strip() for m in e.front_matter]; bm = [m.text.strip() for m in e.back_matter]
    body = []
    hd = dict(); 
    for idx, h in e.headings: hd.setdefault(idx, []).append(h.strip())
    for i, p in enumerate(e.paragraphs):
        body += hd.get(i, []); body.append(p.strip())
    body += hd.get(len(e.paragraphs), [])
    ok_blocks = blocks == fm + body + bm
    # sentences reproduce paragraphs
    by_p = {}
    for p, i, s in e.sentence_records: by_p.setdefault(p, []).append(s)
    ok_text = all(re.sub(r'\s+','',''.join(by_p[i])) == re.sub(r'\s+','',p) for i, p in enumerate(e.paragraphs))
    leak = [s for s in e.sentences for m in fm + bm + [h for _, h in e.headings] if m in s]
    ids = list(range(len(e.sentences))) == [i for _, i, _ in e.sentence_records]
    print(e.id, e.date, 'words', e.n_words, 'sents', len(e.sentences), 'paras', len(e.paragraphs), 'blocks', len(blocks),
          '| front', [m.kind for m in e.front_matter], 'back', [m.kind for m in e.back_matter], 'headings', len(e.headings),
          '| blocks_ok', ok_blocks, 'text_ok', ok_text, 'leaks', len(leak), 'ids_ok', ids)
