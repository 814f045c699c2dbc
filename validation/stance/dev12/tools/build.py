import sys, csv
sys.path.insert(0, '/work/main/lib')
import essaylab
TARGETS = {"amlo","trump","sheinbaum","usmca","military_action","security_cooperation","nearshoring","china","deportation","energy_nationalism"}
LABELS = {"favor","against","none"}
c = essaylab.load_corpus('/work/dev12/essays')
sents = {(e.id, i): s for e in c for i, s in enumerate(e.sentences)}
with open('sentences.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f, lineterminator='\n'); w.writerow(['essay','sentence','text'])
    for e in c:
        for i, s in enumerate(e.sentences): w.writerow([e.id, i, s])
rows, seen = [], set()
for line in open('tools/hand_labels.txt', encoding='utf-8'):
    line = line.split('|')[0].strip()
    if not line or line.startswith('#'): continue
    essay, idx, target, label = line.split()
    key = (essay, int(idx))
    assert key in sents, key
    assert target in TARGETS and label in LABELS, line
    assert (essay, int(idx), target) not in seen, line
    seen.add((essay, int(idx), target))
    rows.append([essay, int(idx), sents[key], target, label])
order = {e.id: k for k, e in enumerate(c)}
rows.sort(key=lambda r: (order[r[0]], r[1]))
with open('labels.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f, lineterminator='\n'); w.writerow(['essay','sentence','text','target','label'])
    w.writerows(rows)
# checks
back = {(r['essay'], int(r['sentence'])): r['text'] for r in csv.DictReader(open('sentences.csv', encoding='utf-8'))}
for r in csv.DictReader(open('labels.csv', encoding='utf-8')):
    assert back[(r['essay'], int(r['sentence']))] == r['text']
from collections import Counter
for e in c:
    rs = [r for r in rows if r[0] == e.id]
    cnt = Counter(r[4] for r in rs)
    print(e.id, 'words', e.n_words, 'sents', len(e.sentences), 'rows', len(rs), dict(cnt),
          'labelled sents', len({r[1] for r in rs}))
    tc = Counter((r[3], r[4]) for r in rs)
    for t in sorted(TARGETS):
        print('   ', t, {l: tc[(t, l)] for l in ('favor','against','none') if tc[(t, l)]})
    # matter check
    for m in list(e.front_matter) + list(e.back_matter):
        for s in e.sentences:
            assert m.text.strip() not in s and s not in m.text, (m.text, s)
    for bad in (e.author, e.title, 'By ', 'views expressed', 'translated'):
        assert not any(bad in s for s in e.sentences), bad
    # no body lost: every raw paragraph is either matter or a body paragraph
    raw_pars = [p.strip() for p in e.raw.split('\n\n') if p.strip()]
    kept = set(e.paragraphs) | {m.text.strip() for m in e.front_matter + e.back_matter}
    missing = [p for p in raw_pars if p not in kept]
    assert not missing, missing
    assert ''.join(e.sentences).replace(' ', '') == ''.join(e.paragraphs).replace(' ', '').replace('\n', ''), e.id
print('total rows', len(rows), dict(Counter(r[4] for r in rows)))
