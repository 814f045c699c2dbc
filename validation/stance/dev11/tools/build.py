"""Copy sentence text (no labelling logic): writes sentences.csv and labels.csv from hand_labels.txt, with checks."""
import sys, csv, collections
sys.path.insert(0, '/work/main/lib')
import essaylab
corpus = essaylab.load_corpus('/work/dev11/essays')
order = [e.id for e in corpus]
sents = {(e.id, i): s for e in corpus for i, s in enumerate(e.sentences)}
with open('/work/dev11/sentences.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f); w.writerow(['essay', 'sentence', 'text'])
    for e in corpus:
        for i, s in enumerate(e.sentences): w.writerow([e.id, i, s])
TARGETS = {'amlo','trump','sheinbaum','usmca','military_action','security_cooperation','nearshoring','china','deportation','energy_nationalism'}
rows, seen = [], set()
for line in open('/work/dev11/hand_labels.txt', encoding='utf-8'):
    if not line.strip() or line.startswith('#'): continue
    essay, idx, target, label = line.split()
    key = (essay, int(idx))
    assert key in sents, key
    assert target in TARGETS and label in {'favor','against','none'}, line
    assert (essay, int(idx), target) not in seen, line
    seen.add((essay, int(idx), target))
    rows.append((essay, int(idx), sents[key], target, label))
rows.sort(key=lambda r: (order.index(r[0]), r[1]))
with open('/work/dev11/labels.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f); w.writerow(['essay', 'sentence', 'text', 'target', 'label'])
    w.writerows(rows)
# checks: re-read both files and compare text
S = {(r['essay'], int(r['sentence'])): r['text'] for r in csv.DictReader(open('/work/dev11/sentences.csv', encoding='utf-8'))}
L = list(csv.DictReader(open('/work/dev11/labels.csv', encoding='utf-8')))
assert all(S[(r['essay'], int(r['sentence']))] == r['text'] for r in L)
print('labels text matches sentences.csv:', len(L), 'rows')
# matter checks
for e in corpus:
    body = ' '.join(e.sentences)
    for m in list(e.front_matter) + list(e.back_matter):
        assert m.text not in body
    assert e.author not in body, e.id
    raw_paras = [p.strip() for p in e.raw.split('\n\n') if p.strip()]
    matter = {m.text.strip() for m in list(e.front_matter) + list(e.back_matter)}
    body_paras = [p for p in raw_paras if p not in matter]
    assert [p for p in body_paras] == [p.strip() for p in e.paragraphs], e.id
    assert ''.join(''.join(p.split()) for p in e.paragraphs) == ''.join(''.join(s.split()) for s in e.sentences), e.id
print('matter/body checks passed')
c = collections.Counter((r['essay'], r['label']) for r in L)
n = collections.Counter(r['essay'] for r in L)
sl = collections.Counter(r['essay'] for r in {(r['essay'], r['sentence']): r for r in L}.values())
for e in corpus:
    print(f"| {e.id} | {n[e.id]} | {c[(e.id,'favor')]} | {c[(e.id,'against')]} | {c[(e.id,'none')]} | {sl[e.id]} of {len(e.sentences)} | words {e.n_words}")
print('total', len(L), sum(v for (k, l), v in c.items() if l=='favor'), sum(v for (k, l), v in c.items() if l=='against'), sum(v for (k, l), v in c.items() if l=='none'))
tc = collections.Counter((r['essay'], r['target'], r['label']) for r in L)
for e in order:
    print(e, {t: {l: tc[(e,t,l)] for l in ('favor','against','none') if tc[(e,t,l)]} for t in sorted(TARGETS)})
