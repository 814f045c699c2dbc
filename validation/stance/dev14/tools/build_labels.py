import csv, collections
T={'amlo','trump','sheinbaum','usmca','military_action','security_cooperation','nearshoring','china','deportation','energy_nationalism'}
L={'favor','against','none'}
sent={}
order=[]
for r in csv.DictReader(open('/work/dev14/sentences.csv',encoding='utf-8')):
    sent[(r['essay'],int(r['sentence']))]=r['text']
    if r['essay'] not in order: order.append(r['essay'])
rows=[]; seen=set()
for line in open('/work/dev14/work/hand_labels.txt',encoding='utf-8'):
    line=line.strip()
    if not line or line.startswith('#'): continue
    e,i,t,l=line.split()
    i=int(i); assert (e,i) in sent,(e,i); assert t in T,t; assert l in L,l
    assert (e,i,t) not in seen,(e,i,t); seen.add((e,i,t))
    rows.append((e,i,sent[(e,i)],t,l))
rows.sort(key=lambda r:(order.index(r[0]),r[1]))
with open('/work/dev14/labels.csv','w',newline='',encoding='utf-8') as f:
    w=csv.writer(f); w.writerow(['essay','sentence','text','target','label']); w.writerows(rows)
# verify
for r in csv.DictReader(open('/work/dev14/labels.csv',encoding='utf-8')):
    assert r['text']==sent[(r['essay'],int(r['sentence']))]
c=collections.Counter((r[0],r[4]) for r in rows)
print('essay rows favor against none sentences_with_label total_sentences')
tot=collections.Counter()
for e in order:
    n=sum(1 for r in rows if r[0]==e); ns=len({r[1] for r in rows if r[0]==e}); nt=sum(1 for k in sent if k[0]==e)
    print(e,n,c[(e,'favor')],c[(e,'against')],c[(e,'none')],ns,nt)
    tot.update(rows=n,favor=c[(e,'favor')],against=c[(e,'against')],none=c[(e,'none')],ns=ns,nt=nt)
print('total',dict(tot))
ct=collections.Counter((r[0],r[3],r[4]) for r in rows)
for e in order:
    print(e, {t:(ct[(e,t,'favor')],ct[(e,t,'against')],ct[(e,t,'none')]) for t in sorted(T) if any(ct[(e,t,l)] for l in L)})
tc=collections.Counter((r[3],r[4]) for r in rows)
print({t:(tc[(t,'favor')],tc[(t,'against')],tc[(t,'none')]) for t in sorted(T)})
