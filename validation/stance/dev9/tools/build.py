"""Copy sentence text into sentences.csv / labels.csv and check the hand-typed labels. Assigns no label."""
import sys, csv
from collections import Counter, defaultdict
sys.path.insert(0, '/work/main/lib')
import essaylab
D = '/work/dev9'
TARGETS = {'amlo','trump','sheinbaum','usmca','military_action','security_cooperation','nearshoring','china','deportation','energy_nationalism'}
c = essaylab.load_corpus(f'{D}/essays')
sents = {(e.id, i): s for e in c for i, s in enumerate(e.sentences)}
with open(f'{D}/sentences.csv', 'w', newline='') as f:
    w = csv.writer(f); w.writerow(['essay','sentence','text'])
    for e in c:
        for i, s in enumerate(e.sentences): w.writerow([e.id, i, s])
rows, seen = [], set()
for line in open(f'{D}/tools/hand_labels.txt'):
    if not line.strip() or line.startswith('#'): continue
    essay, idx, target, label = line.split()
    idx = int(idx)
    assert (essay, idx) in sents, (essay, idx)
    assert target in TARGETS and label in {'favor','against','none'}, line
    assert (essay, idx, target) not in seen, line
    seen.add((essay, idx, target))
    rows.append((essay, idx, sents[(essay, idx)], target, label))
order = {e.id: k for k, e in enumerate(c)}
rows.sort(key=lambda r: (order[r[0]], r[1]))  # stable: keeps typed target order within a sentence
with open(f'{D}/labels.csv', 'w', newline='') as f:
    w = csv.writer(f); w.writerow(['essay','sentence','text','target','label']); w.writerows(rows)
# re-read and verify
back = {(r['essay'], int(r['sentence'])): r['text'] for r in csv.DictReader(open(f'{D}/sentences.csv'))}
for r in csv.DictReader(open(f'{D}/labels.csv')):
    assert back[(r['essay'], int(r['sentence']))] == r['text']
    assert sents[(r['essay'], int(r['sentence']))] == r['text']
# matter checks
for e in c:
    body = ' '.join(e.sentences)
    for m in list(e.front_matter) + list(e.back_matter):
        assert m.text not in body, m.text
    for bit in [e.author, 'Photo:', 'Image:', 'By Gary', 'April 14, 2026', '@bwhitcomb', 'adapted from testimony', e.title]:
        assert bit not in body, (e.id, bit)
    raw_paras = [p.strip() for p in e.raw.split('\n\n') if p.strip()]
    matter = {m.text.strip() for m in list(e.front_matter) + list(e.back_matter)}
    body_paras = [p for p in raw_paras if p not in matter]
    assert body_paras == [p.strip() for p in e.paragraphs], e.id
    joined = ''.join(''.join(p.split()) for p in e.paragraphs)
    assert joined == ''.join(''.join(s.split()) for s in e.sentences), e.id  # no body text lost in splitting
# counts
cnt = defaultdict(Counter)
for r in rows: cnt[r[0]][r[4]] += 1
labelled = Counter(); 
for (essay, idx) in {(r[0], r[1]) for r in rows}: labelled[essay] += 1
tot = Counter()
print('| essay | rows | favor | against | none | sentences with ≥1 label |')
for e in c:
    k = cnt[e.id]; n = sum(k.values()); tot.update(k); tot['rows'] += n; tot['lab'] += labelled[e.id]; tot['sent'] += len(e.sentences)
    print(f"| {e.id} | {n} | {k['favor']} | {k['against']} | {k['none']} | {labelled[e.id]} of {len(e.sentences)} |")
print(f"| total | {tot['rows']} | {tot['favor']} | {tot['against']} | {tot['none']} | {tot['lab']} of {tot['sent']} |")
tc = defaultdict(Counter)
for r in rows: tc[(r[0], r[3])][r[4]] += 1
for e in c:
    print(e.id, e.n_words, 'words', len(e.sentences), 'sentences')
    for t in sorted(TARGETS):
        if tc[(e.id,t)]: print('   ', t, dict(tc[(e.id, t)]))
