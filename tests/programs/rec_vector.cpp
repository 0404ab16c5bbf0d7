// rec_vector: new/delete and std::vector growth for the recorder's tests.
//   make_arrays   100 x new int[10] (40 bytes), each deleted
//   grow_vector   one std::vector<int> of 1000 push_backs: capacities 1, 2,
//                 4, ... 1024, so 11 allocations of 4 * (2^11 - 1) = 8188 bytes
//   make_node     3 x new Node (24 bytes), kept (72 bytes leak)
#include <vector>

struct Node {
	Node *next;
	long a, b;
};

__attribute__((noinline)) static void make_arrays()
{
	for (int i = 0; i < 100; i++) {
		int *volatile p = new int[10];	// volatile: new and delete are not elided
		p[0] = i;
		delete[] p;
	}
}

__attribute__((noinline)) static long grow_vector()
{
	std::vector<int> v;

	for (int i = 0; i < 1000; i++)
		v.push_back(i);
	return (long)v.size();
}

__attribute__((noinline)) static Node *make_node(Node *next)
{
	return new Node{ next, 1, 2 };
}

static Node *volatile kept;

int main()
{
	Node *list = nullptr;

	make_arrays();
	grow_vector();
	for (int i = 0; i < 3; i++)
		list = make_node(list);
	kept = list;
	return 0;
}
