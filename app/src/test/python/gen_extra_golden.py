import sys, json
sys.path.insert(0, '/work/shared/golden')
import make_golden as mg, torch
torch.set_num_threads(2)
# H, L, B, T, V, E, d, heads, GL, GT
m = mg.model_cases(5, (6, 2, 3, 7, 9, 5, 12, 3, 2, 5), "x2")
json.dump(m, open('model_x2.json','w'))
m = mg.model_cases(7, (16, 3, 2, 12, 13, 4, 16, 4, 3, 9), "x3")
json.dump(m, open('model_x3.json','w'))
o = mg.optim_cases(99, "x")
json.dump(o, open('optim_x.json','w'))
c = mg.clip_cases(3, [[(3, 5), (5,), (2,2,3)], [(40,)]], "x")
json.dump(c, open('clip_x.json','w'))
print("ok")
import sys, json
sys.path.insert(0, '/work/shared/golden')
import make_golden as mg, torch
torch.set_num_threads(1)
# H, L, B, T, V, E, d, heads, GL, GT  (GT=37 > 2 attention blocks of 16, odd tail)
m = mg.model_cases(13, (4, 1, 2, 5, 7, 3, 8, 2, 1, 37), "x4")
m["cases"] = [c for c in m["cases"] if c["arch"] == "gpt"]
json.dump(m, open('model_gen_longseq.json','w'))
print(len(m["cases"]))
