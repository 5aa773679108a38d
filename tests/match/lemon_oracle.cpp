// lemon_oracle - an independent optimum for the matching tests and the
// benchmark: LEMON's NetworkSimplex on the b-matching network.
//
// Input (stdin or a file): "ne nr narcs" then ne wants, nr capacities,
// then narcs lines "mentee mentor w" (w = integer score, 0..1000000).
// Arguments: [file] [threshold] [pairs-out] [algorithm]: only arcs with
// w >= threshold are used; the matched pairs are written to pairs-out when
// given (or "-"); algorithm is "ns" (NetworkSimplex, the default) or "cs"
// (CostScaling).
// Output: "matched total min seconds peak_kb", the most matched slots and, among
// those, the highest total of w (cost -(M + w) per arc, M > any total).
#include <lemon/cost_scaling.h>
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace lemon;

int main(int argc, char **argv)
{
    FILE *in = argc > 1 && std::string(argv[1]) != "-" ? std::fopen(argv[1], "r") : stdin;
    long long thr = argc > 2 ? std::atoll(argv[2]) : 0;
    if (!in) {
        std::perror("lemon_oracle");
        return 1;
    }
    long long ne, nr, na;
    if (std::fscanf(in, "%lld %lld %lld", &ne, &nr, &na) != 3)
        return 1;
    std::vector<long long> wants(ne), caps(nr);
    long long sw = 0, sc = 0;
    for (auto &w : wants) {
        if (std::fscanf(in, "%lld", &w) != 1)
            return 1;
        sw += w;
    }
    for (auto &c : caps) {
        if (std::fscanf(in, "%lld", &c) != 1)
            return 1;
        sc += c;
    }
    std::vector<int> ae, ar;
    std::vector<long long> aw;
    ae.reserve(na);
    ar.reserve(na);
    aw.reserve(na);
    for (long long i = 0; i < na; i++) {
        long long e, r, w;
        if (std::fscanf(in, "%lld %lld %lld", &e, &r, &w) != 3)
            return 1;
        if (w < thr)
            continue;
        ae.push_back((int)e);
        ar.push_back((int)r);
        aw.push_back(w);
    }
    auto t0 = std::chrono::steady_clock::now();
    long long slots = sw < sc ? sw : sc;
    long long M = (slots + 1) * 1000000LL;
    SmartDigraph g;
    g.reserveNode(ne + nr + 2);
    g.reserveArc(ne + nr + aw.size() + 1);
    SmartDigraph::Node S = g.addNode(), T = g.addNode();
    std::vector<SmartDigraph::Node> en(ne), rn(nr);
    SmartDigraph::ArcMap<long long> cap(g), cost(g);
    for (long long e = 0; e < ne; e++) {
        en[e] = g.addNode();
        auto a = g.addArc(S, en[e]);
        cap[a] = wants[e];
        cost[a] = 0;
    }
    for (long long r = 0; r < nr; r++) {
        rn[r] = g.addNode();
        auto a = g.addArc(rn[r], T);
        cap[a] = caps[r];
        cost[a] = 0;
    }
    std::vector<SmartDigraph::Arc> pa(aw.size());
    for (size_t i = 0; i < aw.size(); i++) {
        pa[i] = g.addArc(en[ae[i]], rn[ar[i]]);
        cap[pa[i]] = 1;
        cost[pa[i]] = -(M + aw[i]);
    }
    auto by = g.addArc(S, T); // slots that stay empty
    cap[by] = sw;
    cost[by] = 0;
    SmartDigraph::NodeMap<long long> sup(g, 0);
    sup[S] = sw;
    sup[T] = -sw;
    bool cs = argc > 4 && std::string(argv[4]) == "cs";
    std::vector<long long> flow(aw.size());
    if (cs) {
        CostScaling<SmartDigraph, long long, long long> alg(g);
        alg.upperMap(cap).costMap(cost).supplyMap(sup);
        if (alg.run() != CostScaling<SmartDigraph, long long, long long>::OPTIMAL) {
            std::fprintf(stderr, "lemon_oracle: not optimal\n");
            return 1;
        }
        for (size_t i = 0; i < aw.size(); i++)
            flow[i] = alg.flow(pa[i]);
    } else {
        NetworkSimplex<SmartDigraph, long long, long long> alg(g);
        alg.upperMap(cap).costMap(cost).supplyMap(sup);
        if (alg.run() != NetworkSimplex<SmartDigraph, long long, long long>::OPTIMAL) {
            std::fprintf(stderr, "lemon_oracle: not optimal\n");
            return 1;
        }
        for (size_t i = 0; i < aw.size(); i++)
            flow[i] = alg.flow(pa[i]);
    }
    long long matched = 0, total = 0, mn = -1;
    for (size_t i = 0; i < aw.size(); i++)
        if (flow[i] > 0) {
            matched++;
            total += aw[i];
            if (mn < 0 || aw[i] < mn)
                mn = aw[i];
        }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (argc > 3 && std::string(argv[3]) != "-") {
        FILE *po = std::fopen(argv[3], "w");
        if (!po)
            return 1;
        for (size_t i = 0; i < aw.size(); i++)
            if (flow[i] > 0)
                std::fprintf(po, "%d %d\n", ae[i], ar[i]);
        std::fclose(po);
    }
    long hwm = -1; // peak resident memory, kB
    if (FILE *st = std::fopen("/proc/self/status", "r")) {
        char line[256];
        while (std::fgets(line, sizeof line, st))
            if (std::sscanf(line, "VmHWM: %ld", &hwm) == 1)
                break;
        std::fclose(st);
    }
    std::printf("%lld %lld %lld %.6f %ld\n", matched, total, mn, secs, hwm);
    return 0;
}
