// A template-heavy C++ file: its compilation, recorded with heaptrack, is the
// clang-sized capture the UI tests read (tests/formats/record_cpp.sh).
#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <unordered_map>
#include <variant>
#include <vector>

template <typename K, typename V> struct Table {
	std::map<K, std::vector<V>> rows;
	void add(const K &k, const V &v) { rows[k].push_back(v); }
	template <typename F> auto fold(F f) const
	{
		std::vector<std::invoke_result_t<F, const K &, const std::vector<V> &>> out;
		for (const auto &[k, v] : rows)
			out.push_back(f(k, v));
		return out;
	}
};

using Cell = std::variant<int, double, std::string>;

int main(int argc, char **argv)
{
	Table<std::string, Cell> t;
	std::regex word("[a-z]+");
	for (int i = 0; i < argc; i++)
		t.add(argv[i], Cell(i));
	auto sizes = t.fold([](const std::string &k, const std::vector<Cell> &v) {
		return std::make_tuple(k.size(), v.size());
	});
	std::unordered_map<std::string, std::set<int>> idx;
	std::ostringstream os;
	for (auto &[a, b] : sizes)
		os << a << b;
	std::cout << os.str() << std::regex_match(os.str(), word) << std::endl;
	return 0;
}
