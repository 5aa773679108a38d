// anchor - the benchmark's anchor pipeline, built from well-known parts:
// nlohmann::json reads the instance file of `tandem match`, OpenMP scores
// every pair with the criteria of product.md section 5, each mentee keeps
// its 16 best mentors, and LEMON's NetworkSimplex solves the b-matching
// (most matched slots, then the highest total) on that graph.
//
// Usage: anchor INSTANCE.json [K] [PAIRS-OUT]
// Prints "key=value" lines: matched, total (sum of integer scores), min,
// t_parse, t_score, t_solve, maxrss_kb.
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>
#include <nlohmann/json.hpp>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

using json = nlohmann::json;

namespace {

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

enum { OVERLAP, SHARED, SAME, DISTANCE, GAP, SIMILARITY, CHOICE };

struct Crit {
    std::string kind, fe, fr;
    int kt = 0;
    double w = 1, scale = 1, lo = 0, hi = 0;
    bool required = false, different = false;
    // per side: tag bitsets (words per person), numbers, strings, vectors
    size_t words = 0, dims = 0;
    std::vector<uint64_t> bits[2];
    std::vector<double> num[2], vec[2], norm[2];
    std::vector<uint64_t> bitsT; // mentors' bits word-major
    std::vector<double> vecT;    // mentors' vectors dimension-major
    std::vector<int> str[2], vlen[2];
};

struct Side {
    std::vector<std::string> id;
    std::vector<long long> count;
    std::vector<const json *> attrs;
};

long peak_kb()
{
    long kb = -1;
    if (FILE *f = std::fopen("/proc/self/status", "r")) {
        char line[256];
        while (std::fgets(line, sizeof line, f))
            if (std::sscanf(line, "VmHWM: %ld", &kb) == 1)
                break;
        std::fclose(f);
    }
    return kb;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: anchor INSTANCE.json [K] [PAIRS-OUT]\n");
        return 2;
    }
    size_t K = argc > 2 ? std::stoul(argv[2]) : 16;
    double t0 = now();
    std::ifstream in(argv[1]);
    json doc = json::parse(in);
    double t1 = now();

    Side side[2]; // 0 mentees, 1 mentors
    const char *key[2] = {"mentees", "mentors"}, *cnt[2] = {"wants", "capacity"};
    std::unordered_map<std::string, int> index[2];
    for (int s = 0; s < 2; s++)
        for (const auto &p : doc[key[s]]) {
            index[s][p["id"].get<std::string>()] = (int)side[s].id.size();
            side[s].id.push_back(p["id"].get<std::string>());
            side[s].count.push_back(p.value(cnt[s], 1LL));
            side[s].attrs.push_back(p.contains("attrs") ? &p["attrs"] : nullptr);
        }
    size_t ne = side[0].id.size(), nr = side[1].id.size();
    std::vector<Crit> crit;
    double wsum = 0;
    for (const auto &c : doc["criteria"]) {
        Crit k;
        k.kind = c["kind"];
        std::string f = c.value("field", std::string());
        k.fe = c.value("mentee_field", f);
        k.fr = c.value("mentor_field", f);
        k.w = c.value("weight", 1.0);
        k.scale = c.value("scale", 1.0);
        k.lo = c.value("min", 0.0);
        k.hi = c.value("max", 0.0);
        k.required = c.value("required", false);
        k.different = c.value("different", false);
        const char *names[] = {"overlap", "shared", "same", "distance", "gap", "similarity",
                               "choice"};
        for (int i = 0; i < 7; i++)
            if (k.kind == names[i])
                k.kt = i;
        wsum += k.w;
        crit.push_back(k);
    }
    double min_score = doc.value("min_score", 0.0);
    // columns
    for (auto &k : crit) {
        const std::string *fld[2] = {&k.fe, &k.fr};
        if (k.kind == "overlap" || k.kind == "shared") {
            std::unordered_map<std::string, int> tag;
            for (int s = 0; s < 2; s++)
                for (auto *a : side[s].attrs)
                    if (a && a->contains(*fld[s]))
                        for (const auto &t : (*a)[*fld[s]])
                            tag.emplace(t.get<std::string>(), (int)tag.size());
            k.words = (tag.size() + 63) / 64 + 1;
            for (int s = 0; s < 2; s++) {
                k.bits[s].assign(side[s].id.size() * k.words, 0);
                for (size_t i = 0; i < side[s].id.size(); i++) {
                    auto *a = side[s].attrs[i];
                    if (!a || !a->contains(*fld[s]))
                        continue;
                    for (const auto &t : (*a)[*fld[s]]) {
                        int b = tag[t.get<std::string>()];
                        k.bits[s][i * k.words + b / 64] |= 1ull << (b % 64);
                    }
                }
            }
        } else if (k.kind == "distance" || k.kind == "gap") {
            for (int s = 0; s < 2; s++) {
                k.num[s].assign(side[s].id.size(), NAN);
                for (size_t i = 0; i < side[s].id.size(); i++) {
                    auto *a = side[s].attrs[i];
                    if (a && a->contains(*fld[s]))
                        k.num[s][i] = (*a)[*fld[s]].get<double>();
                }
            }
        } else if (k.kind == "same") {
            std::unordered_map<std::string, int> val;
            for (int s = 0; s < 2; s++) {
                k.str[s].assign(side[s].id.size(), -1);
                for (size_t i = 0; i < side[s].id.size(); i++) {
                    auto *a = side[s].attrs[i];
                    if (a && a->contains(*fld[s]))
                        k.str[s][i] =
                            val.emplace((*a)[*fld[s]].dump(), (int)val.size()).first->second;
                }
            }
        } else if (k.kind == "similarity") {
            for (int s = 0; s < 2; s++)
                for (auto *a : side[s].attrs)
                    if (a && a->contains(*fld[s]))
                        k.dims = std::max(k.dims, (*a)[*fld[s]].size());
            for (int s = 0; s < 2; s++) {
                size_t n = side[s].id.size();
                k.vec[s].assign(n * k.dims, 0);
                k.norm[s].assign(n, 0);
                k.vlen[s].assign(n, -1 - s);
                for (size_t i = 0; i < n; i++) {
                    auto *a = side[s].attrs[i];
                    if (!a || !a->contains(*fld[s]))
                        continue;
                    const auto &v = (*a)[*fld[s]];
                    double nn = 0;
                    for (size_t q = 0; q < v.size(); q++) {
                        k.vec[s][i * k.dims + q] = v[q].get<double>();
                        nn += k.vec[s][i * k.dims + q] * k.vec[s][i * k.dims + q];
                    }
                    k.norm[s][i] = std::sqrt(nn);
                    k.vlen[s][i] = (int)v.size();
                }
            }
        }
    }
    for (auto &k : crit) { // mentor columns transposed, so each loop above streams
        k.bitsT.assign(k.words * nr, 0);
        for (size_t r = 0; r < nr && !k.bits[1].empty(); r++)
            for (size_t q = 0; q < k.words; q++)
                k.bitsT[q * nr + r] = k.bits[1][r * k.words + q];
        k.vecT.assign(k.dims * nr, 0);
        for (size_t r = 0; r < nr && !k.vec[1].empty(); r++)
            for (size_t q = 0; q < k.dims; q++)
                k.vecT[q * nr + r] = k.vec[1][r * k.dims + q];
    }
    std::vector<std::vector<std::pair<int, int>>> choice(ne); // mentor, rank
    for (size_t e = 0; e < ne; e++) {
        const json &p = doc["mentees"][e];
        if (p.contains("choices"))
            for (size_t q = 0; q < p["choices"].size(); q++)
                choice[e].push_back({index[1][p["choices"][q].get<std::string>()], (int)q + 1});
    }
    std::vector<std::unordered_set<int>> forb(ne);
    if (doc.contains("forbidden"))
        for (const auto &f : doc["forbidden"])
            forb[index[0][f[0].get<std::string>()]].insert(index[1][f[1].get<std::string>()]);
    std::vector<int> self(ne, -1);
    for (size_t e = 0; e < ne; e++) {
        auto it = index[1].find(side[0].id[e]);
        if (it != index[1].end())
            self[e] = it->second;
    }

    // every pair, each mentee's K best
    std::vector<std::vector<std::pair<long long, int>>> top(ne);
#pragma omp parallel
    {
        std::vector<std::pair<long long, int>> row;
        std::vector<uint8_t> skip(nr, 0); // this mentee's forbidden mentors and itself
        std::vector<int> rank(nr, 0);     // this mentee's choices
        std::vector<double> acc(nr), dot(nr);
        std::vector<uint8_t> bad(nr);
#pragma omp for schedule(dynamic, 64)
        for (size_t e = 0; e < ne; e++) {
            row.clear();
            for (int r : forb[e])
                skip[r] = 1;
            if (self[e] >= 0)
                skip[self[e]] = 1;
            for (auto &c : choice[e])
                rank[c.first] = c.second;
            // criterion by criterion over all mentors (the columns are mentor-major)
            std::fill(acc.begin(), acc.end(), 0.0);
            std::fill(bad.begin(), bad.end(), 0);
            for (auto &k : crit) {
                const double w = k.w;
                const uint8_t req = k.required;
                switch (k.kt) {
                case OVERLAP:
                case SHARED: {
                    int pa = 0;
                    for (size_t q = 0; q < k.words; q++)
                        pa += __builtin_popcountll(k.bits[0][e * k.words + q]);
                    for (size_t r = 0; r < nr; r++) {
                        int c = 0;
                        for (size_t q = 0; q < k.words; q++)
                            c += __builtin_popcountll(k.bits[0][e * k.words + q] &
                                                      k.bitsT[q * nr + r]);
                        double v = k.kt == SHARED ? (c > 0) : pa ? (double)c / pa : 0;
                        acc[r] += w * v;
                        bad[r] |= req & !(v > 0);
                    }
                    break;
                }
                case DISTANCE: {
                    const double a = k.num[0][e];
                    for (size_t r = 0; r < nr; r++) {
                        double d = std::fabs(a - k.num[1][r]);
                        double v = d == d && d < k.scale ? 1 - d / k.scale : 0;
                        acc[r] += w * v;
                        bad[r] |= req & !(v > 0);
                    }
                    break;
                }
                case GAP: {
                    const double a = k.num[0][e];
                    for (size_t r = 0; r < nr; r++) {
                        double d = k.num[1][r] - a;
                        double out = d < k.lo ? k.lo - d : d > k.hi ? d - k.hi : 0;
                        double v = d == d && out < k.scale ? 1 - out / k.scale : 0;
                        acc[r] += w * v;
                        bad[r] |= req & !(v > 0);
                    }
                    break;
                }
                case SAME: {
                    const int a = k.str[0][e];
                    for (size_t r = 0; r < nr; r++) {
                        int b = k.str[1][r];
                        double v = a >= 0 && b >= 0 && ((a == b) != k.different);
                        acc[r] += w * v;
                        bad[r] |= req & !(v > 0);
                    }
                    break;
                }
                case SIMILARITY: {
                    std::fill(dot.begin(), dot.end(), 0.0);
                    for (size_t q = 0; q < k.dims; q++) {
                        const double aq = k.vec[0][e * k.dims + q];
                        const double *bq = &k.vecT[q * nr];
                        for (size_t r = 0; r < nr; r++)
                            dot[r] += aq * bq[r];
                    }
                    const double na = k.norm[0][e];
                    for (size_t r = 0; r < nr; r++) {
                        double nn = na * k.norm[1][r];
                        double v = k.vlen[0][e] == k.vlen[1][r] && nn > 0
                                       ? std::min(1.0, std::max(0.0, dot[r] / nn))
                                       : 0;
                        acc[r] += w * v;
                        bad[r] |= req & !(v > 0);
                    }
                    break;
                }
                case CHOICE:
                    for (size_t r = 0; r < nr; r++) {
                        int c = rank[r];
                        double v = c == 1 ? 1 : c == 2 ? 2.0 / 3 : c == 3 ? 1.0 / 3 : 0;
                        acc[r] += w * v;
                        bad[r] |= req & !(v > 0);
                    }
                    break;
                }
            }
            for (size_t r = 0; r < nr; r++) {
                double sc = wsum > 0 ? acc[r] / wsum : 0;
                if (!skip[r] && !bad[r] && sc >= min_score)
                    row.push_back({std::llround(sc * 1e6), (int)r});
            }
            for (int r : forb[e])
                skip[r] = 0;
            if (self[e] >= 0)
                skip[self[e]] = 0;
            for (auto &c : choice[e])
                rank[c.first] = 0;
            size_t k = std::min(K, row.size());
            std::partial_sort(row.begin(), row.begin() + k, row.end(),
                              [](const auto &a, const auto &b) {
                                  return a.first != b.first ? a.first > b.first
                                                            : a.second < b.second;
                              });
            top[e].assign(row.begin(), row.begin() + k);
        }
    }
    double t2 = now();

    // LEMON NetworkSimplex: cost -(M + w) per pair, an S -> T arc for empty slots
    using namespace lemon;
    long long sw = 0, sc = 0;
    for (auto w : side[0].count)
        sw += w;
    for (auto c : side[1].count)
        sc += c;
    long long M = (std::min(sw, sc) + 1) * 1000000LL;
    SmartDigraph g;
    SmartDigraph::Node S = g.addNode(), T = g.addNode();
    std::vector<SmartDigraph::Node> en(ne), rn(nr);
    SmartDigraph::ArcMap<long long> cap(g), cost(g);
    for (size_t e = 0; e < ne; e++) {
        en[e] = g.addNode();
        auto a = g.addArc(S, en[e]);
        cap[a] = side[0].count[e];
        cost[a] = 0;
    }
    for (size_t r = 0; r < nr; r++) {
        rn[r] = g.addNode();
        auto a = g.addArc(rn[r], T);
        cap[a] = side[1].count[r];
        cost[a] = 0;
    }
    std::vector<SmartDigraph::Arc> arcs;
    std::vector<std::pair<int, long long>> info;
    std::vector<int> tail;
    for (size_t e = 0; e < ne; e++)
        for (auto &x : top[e]) {
            auto a = g.addArc(en[e], rn[x.second]);
            cap[a] = 1;
            cost[a] = -(M + x.first);
            arcs.push_back(a);
            info.push_back({x.second, x.first});
            tail.push_back((int)e);
        }
    auto by = g.addArc(S, T);
    cap[by] = sw;
    cost[by] = 0;
    SmartDigraph::NodeMap<long long> sup(g, 0);
    sup[S] = sw;
    sup[T] = -sw;
    NetworkSimplex<SmartDigraph, long long, long long> ns(g);
    ns.upperMap(cap).costMap(cost).supplyMap(sup);
    if (ns.run() != NetworkSimplex<SmartDigraph, long long, long long>::OPTIMAL)
        return 1;
    long long matched = 0, total = 0, mn = -1;
    FILE *po = argc > 3 ? std::fopen(argv[3], "w") : nullptr;
    for (size_t i = 0; i < arcs.size(); i++)
        if (ns.flow(arcs[i]) > 0) {
            matched++;
            total += info[i].second;
            if (mn < 0 || info[i].second < mn)
                mn = info[i].second;
            if (po)
                std::fprintf(po, "%d %d\n", tail[i], info[i].first);
        }
    if (po)
        std::fclose(po);
    double t3 = now();
    std::printf("matched=%lld\ntotal=%lld\nmin=%lld\noptimal=0\nt_parse=%.4f\nt_score=%.4f\n"
                "t_solve=%.4f\nseconds=%.4f\nthreads=%d\nmaxrss_kb=%ld\n",
                matched, total, mn, t1 - t0, t2 - t1, t3 - t2, t3 - t0, omp_get_max_threads(),
                peak_kb());
    return 0;
}
