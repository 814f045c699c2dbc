import sys, re; sys.path.insert(0, '/work/main/lib')
import essaylab
c = essaylab.load_corpus('/work/dev6/essays')
ok = True
for e in c:
    blocks = [b.strip() for b in re.split(r'\n\s*\n', e.raw) if b.strip()]
    matter = [m.text.strip() for m in e.front_matter + e.back_matter]
    body = [b for b in blocks if b not in matter]
    if body != [p.strip() for p in e.paragraphs]:
        ok = False; print(e.id, 'BODY MISMATCH')
    # sentences cover paragraphs exactly (ignoring whitespace)
    for pi, p in enumerate(e.paragraphs):
        ss = [s for (i, _, s) in e.sentence_records if i == pi]
        if re.sub(r'\s+', '', ''.join(ss)) != re.sub(r'\s+', '', p):
            ok = False; print(e.id, 'paragraph', pi, 'not covered')
    text = ' '.join(e.sentences)
    for m in matter:
        if m in text: ok = False; print(e.id, 'matter in body:', m[:50])
    for name in [e.author] + [e.title]:
        if name in text: ok = False; print(e.id, 'name/title in body:', name)
    for frag in ['Photo:', 'Image:', 'By ', 'Published', 'views expressed', 'Follow him', '@', 'adapted from']:
        if frag in text: ok = False; print(e.id, 'fragment in body:', frag)
    print(e.id, 'blocks', len(blocks), 'front', [m.kind for m in e.front_matter], 'body', len(e.paragraphs), 'back', [m.kind for m in e.back_matter])
print('ALL OK' if ok else 'PROBLEMS')
