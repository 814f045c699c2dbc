# Copies sentence text from Essay.sentences into sentences.csv and labels.csv; checks only. Assigns no labels.
import sys, csv, collections
sys.path.insert(0, '/work/main/lib')
import essaylab
D = '/work/dev13'
TARGETS = {'amlo','trump','sheinbaum','usmca','military_action','security_cooperation','nearshoring','china','deportation','energy_nationalism'}
corpus = essaylab.load_corpus(f'{D}/essays')
sents = {e.id: e.sentences for e in corpus}
with open(f'{D}/sentences.csv','w',newline='') as f:
    w = csv.writer(f); w.writerow(['essay','sentence','text'])
    for e in corpus:
        for i,s in enumerate(e.sentences): w.writerow([e.id,i,s])
rows = []; seen = set()
for line in open(f'{D}/tools/hand_labels.txt'):
    line = line.strip()
    if not line or line.startswith('#'): continue
    essay, idx, target, label = line.split()
    idx = int(idx)
    assert essay in sents and 0 <= idx < len(sents[essay]), line
    assert target in TARGETS and label in {'favor','against','none'}, line
    assert (essay, idx, target) not in seen, line
    seen.add((essay, idx, target))
    rows.append((essay, idx, sents[essay][idx], target, label))
order = {e.id: k for k, e in enumerate(corpus)}
rows.sort(key=lambda r: (order[r[0]], r[1]))
with open(f'{D}/labels.csv','w',newline='') as f:
    w = csv.writer(f); w.writerow(['essay','sentence','text','target','label']); w.writerows(rows)
# verify
S = {(r['essay'], int(r['sentence'])): r['text'] for r in csv.DictReader(open(f'{D}/sentences.csv'))}
L = list(csv.DictReader(open(f'{D}/labels.csv')))
assert all(S[(r['essay'], int(r['sentence']))] == r['text'] for r in L)
# matter check
for e in corpus:
    body = ' '.join(e.sentences)
    for m in list(e.front_matter) + list(e.back_matter):
        assert m.text not in body
    for name in e.author.split():
        assert name not in body or name in ('Juárez',), (e.id, name)
print('labels', len(L))
for e in corpus:
    c = collections.Counter(r['label'] for r in L if r['essay']==e.id)
    n = len({r['sentence'] for r in L if r['essay']==e.id})
    print(e.id, e.date, e.n_words, len(e.sentences), sum(c.values()), c['favor'], c['against'], c['none'], n)
    t = collections.defaultdict(collections.Counter)
    for r in L:
        if r['essay']==e.id: t[r['target']][r['label']] += 1
    for k in sorted(t): print('   ', k, dict(t[k]))
c = collections.Counter(r['label'] for r in L); print('total', c, len({(r['essay'],r['sentence']) for r in L}))
