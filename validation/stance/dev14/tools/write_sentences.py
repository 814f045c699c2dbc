import sys, csv; sys.path.insert(0, '/work/main/lib')
import essaylab
c = essaylab.load_corpus('/work/dev14/essays')
with open('/work/dev14/sentences.csv','w',newline='',encoding='utf-8') as f:
    w=csv.writer(f); w.writerow(['essay','sentence','text'])
    for e in c:
        for i,s in enumerate(e.sentences): w.writerow([e.id,i,s])
