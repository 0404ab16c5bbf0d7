/*
 * Unit tests of names.h: the short and brief forms of demangled C++ names.
 * The C++ names are real: taken from `memtui report --top 50` and the tree
 * of a heaptrack capture of clang++ 14 compiling tests/programs/heavy.cpp,
 * and of the deep_O0 sample capture (gcc 12's libstdc++).  Every case gives
 * the full name and what the two forms must read.
 */
#include <string.h>

#include "../check.h"
#include "names.h"

struct name_case {
	const char *full, *brief, *shortened;
};

static const struct name_case cases[] = {
	/* The example: templates in a parameter list. */
	{ "clang::driver::Driver::ExecuteCompilation(clang::driver::Compilation&, "
	  "llvm::SmallVectorImpl<std::pair<int, clang::driver::Command const*> >&)",
	  "clang::driver::Driver::ExecuteCompilation(...)",
	  "clang::driver::Driver::ExecuteCompilation(clang::driver::Compilation&, "
	  "llvm::SmallVectorImpl<>&)" },
	/* A template instance: its return type goes, "<>" stays. */
	{ "std::_Rb_tree_iterator<std::pair<clang::FileID const, "
	  "clang::DiagnosticsEngine::DiagStateMap::File> > std::_Rb_tree<clang::FileID, "
	  "std::pair<clang::FileID const, clang::DiagnosticsEngine::DiagStateMap::File>, "
	  "std::_Select1st<std::pair<clang::FileID const, "
	  "clang::DiagnosticsEngine::DiagStateMap::File> >, std::less<clang::FileID>, "
	  "std::allocator<std::pair<clang::FileID const, "
	  "clang::DiagnosticsEngine::DiagStateMap::File> > >::_M_emplace_hint_unique<std::pair<"
	  "clang::FileID, clang::DiagnosticsEngine::DiagStateMap::File> >(std::_Rb_tree_const_"
	  "iterator<std::pair<clang::FileID const, "
	  "clang::DiagnosticsEngine::DiagStateMap::File> >, std::pair<clang::FileID, "
	  "clang::DiagnosticsEngine::DiagStateMap::File>&&)",
	  "std::_Rb_tree<>::_M_emplace_hint_unique<>(...)",
	  "std::_Rb_tree<>::_M_emplace_hint_unique<>(std::_Rb_tree_const_iterator<>, "
	  "std::pair<>&&)" },
	{ "void std::vector<clang::Preprocessor::IncludeStackInfo, "
	  "std::allocator<clang::Preprocessor::IncludeStackInfo> >::_M_realloc_insert<"
	  "clang::Preprocessor::CurLexerKind&, clang::Module*&>(__gnu_cxx::__normal_iterator<"
	  "clang::Preprocessor::IncludeStackInfo*, std::vector<clang::Preprocessor::"
	  "IncludeStackInfo, std::allocator<clang::Preprocessor::IncludeStackInfo> > >, "
	  "clang::Preprocessor::CurLexerKind&, clang::Module*&)",
	  "std::vector<>::_M_realloc_insert<>(...)",
	  "std::vector<>::_M_realloc_insert<>(__gnu_cxx::__normal_iterator<>, "
	  "clang::Preprocessor::CurLexerKind&, clang::Module*&)" },
	/* Plain members, const and empty parameter lists. */
	{ "llvm::SmallVectorBase<unsigned int>::grow_pod(void*, unsigned long, unsigned long)",
	  "llvm::SmallVectorBase<>::grow_pod(...)", "llvm::SmallVectorBase<>::grow_pod(void*, "
	  "unsigned long, unsigned long)" },
	{ "llvm::Function::BuildLazyArguments() const",
	  "llvm::Function::BuildLazyArguments() const",
	  "llvm::Function::BuildLazyArguments() const" },
	{ "clang::ParseAST(clang::Sema&, bool, bool)", "clang::ParseAST(...)",
	  "clang::ParseAST(clang::Sema&, bool, bool)" },
	/* Operators, with and without brackets in their symbol. */
	{ "llvm::User::operator new(unsigned long, unsigned int)", "llvm::User::operator new(...)",
	  "llvm::User::operator new(unsigned long, unsigned int)" },
	{ "operator new(unsigned long, std::nothrow_t const&)", "operator new(...)",
	  "operator new(unsigned long, std::nothrow_t const&)" },
	{ "llvm::raw_ostream::operator<<(unsigned long)", "llvm::raw_ostream::operator<<(...)",
	  "llvm::raw_ostream::operator<<(unsigned long)" },
	{ "llvm::raw_string_ostream& llvm::operator<< <llvm::raw_string_ostream&>("
	  "llvm::raw_string_ostream&, llvm::InlineCost const&)",
	  "llvm::operator<< <>(...)",
	  "llvm::operator<< <>(llvm::raw_string_ostream&, llvm::InlineCost const&)" },
	{ "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > "
	  "std::operator+<char, std::char_traits<char>, std::allocator<char> >(char const*, "
	  "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > const&)",
	  "std::operator+<>(...)",
	  "std::operator+<>(char const*, std::__cxx11::basic_string<> const&)" },
	{ "std::__detail::_Map_base<llvm::Constant*, std::pair<llvm::Constant* const, "
	  "llvm::SmallPtrSet<llvm::GlobalValue*, 8u> >, std::__detail::_Hashtable_traits<false, "
	  "false, true>, true>::operator[](llvm::Constant* const&)",
	  "std::__detail::_Map_base<>::operator[](...)",
	  "std::__detail::_Map_base<>::operator[](llvm::Constant* const&)" },
	{ "std::function<void (int)>::operator()(int) const",
	  "std::function<>::operator()(...) const", "std::function<>::operator()(int) const" },
	{ "Foo::operator<(Foo const&) const", "Foo::operator<(...) const",
	  "Foo::operator<(Foo const&) const" },
	{ "Foo::operator->() const", "Foo::operator->() const", "Foo::operator->() const" },
	{ "Foo::operator std::vector<int, std::allocator<int> >() const",
	  "Foo::operator std::vector<>() const", "Foo::operator std::vector<>() const" },
	{ "Foo::operator char const*() const", "Foo::operator char const*() const",
	  "Foo::operator char const*() const" },
	/* ABI tags (deep_O0, gcc 12) go. */
	{ "word_index[abi:cxx11](int)", "word_index(...)", "word_index(int)" },
	{ "llvm::Twine::str[abi:cxx11]() const", "llvm::Twine::str() const",
	  "llvm::Twine::str() const" },
	/* Lambdas and scopes that hold parentheses stay. */
	{ "void llvm::getUniqueExitBlocksHelper<llvm::BasicBlock, llvm::LoopBase<llvm::BasicBlock, "
	  "llvm::Loop>, llvm::LoopBase<llvm::BasicBlock, llvm::Loop>::getUniqueExitBlocks("
	  "llvm::SmallVectorImpl<llvm::BasicBlock*>&) const::{lambda(llvm::BasicBlock const*)#1}>("
	  "llvm::LoopBase<llvm::BasicBlock, llvm::Loop> const*, "
	  "llvm::SmallVectorImpl<llvm::BasicBlock*>&)",
	  "llvm::getUniqueExitBlocksHelper<>(...)",
	  "llvm::getUniqueExitBlocksHelper<>(llvm::LoopBase<> const*, llvm::SmallVectorImpl<>&)" },
	{ "foo(int)::{lambda(std::vector<int, std::allocator<int> > const&)#1}::operator()("
	  "std::vector<int, std::allocator<int> > const&) const",
	  "foo(...)::{lambda(...)#1}::operator()(...) const",
	  "foo(int)::{lambda(std::vector<> const&)#1}::operator()(std::vector<> const&) const" },
	{ "(anonymous namespace)::Walker::visit(clang::Decl*)",
	  "(anonymous namespace)::Walker::visit(...)",
	  "(anonymous namespace)::Walker::visit(clang::Decl*)" },
	{ "void (anonymous namespace)::run<int>(int)", "(anonymous namespace)::run<>(...)",
	  "(anonymous namespace)::run<>(int)" },
	{ "unsigned long foo<int>(int)", "foo<>(...)", "foo<>(int)" },
	{ "non-virtual thunk to clang::Foo::bar(int)", "non-virtual thunk to clang::Foo::bar(...)",
	  "non-virtual thunk to clang::Foo::bar(int)" },
	{ "foo(int) [clone .cold]", "foo(...) [clone .cold]", "foo(int) [clone .cold]" },
	/* An expression in a template argument: '>' inside parentheses is a comparison. */
	{ "Bar<((1)>(2))>::get()", "Bar<>::get()", "Bar<>::get()" },
	/* Not C++: unchanged. */
	{ "<listcomp>", "<listcomp>", "<listcomp>" },
	{ "<module>", "<module>", "<module>" },
	{ "__libc_start_main_impl", "__libc_start_main_impl", "__libc_start_main_impl" },
	{ "0x7efe069458fe in libclang-cpp.so.14", "0x7efe069458fe in libclang-cpp.so.14",
	  "0x7efe069458fe in libclang-cpp.so.14" },
	{ "<alloc::vec::Vec<T> as core::ops::drop::Drop>::drop",
	  "<alloc::vec::Vec<> as core::ops::drop::Drop>::drop",
	  "<alloc::vec::Vec<> as core::ops::drop::Drop>::drop" },
	{ "", "", "" },
};

TEST(forms)
{
	char buf[4096];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct name_case *c = &cases[i];

		names_shorten(c->full, NAMES_BRIEF, buf, sizeof(buf));
		if (strcmp(buf, c->brief))
			fprintf(stderr, "brief: %s\n  got  %s\n  want %s\n", c->full, buf,
				c->brief);
		CHECK(!strcmp(buf, c->brief));
		names_shorten(c->full, NAMES_SHORT, buf, sizeof(buf));
		if (strcmp(buf, c->shortened))
			fprintf(stderr, "short: %s\n  got  %s\n  want %s\n", c->full, buf,
				c->shortened);
		CHECK(!strcmp(buf, c->shortened));
		names_shorten(c->full, NAMES_FULL, buf, sizeof(buf));
		CHECK(!strcmp(buf, c->full));
	}
}

/* A buffer too small cuts the form at its end and always terminates it. */
TEST(small_buffer)
{
	char buf[12];

	names_shorten("clang::driver::Driver::ExecuteCompilation(int)", NAMES_BRIEF, buf,
		      sizeof(buf));
	CHECK(!strcmp(buf, "clang::driv"));
	names_shorten("void foo<int>(int)", NAMES_SHORT, buf, 4);
	CHECK(strlen(buf) == 3);
	buf[0] = 'x';
	names_shorten("abc", NAMES_SHORT, buf, 0);
	CHECK(buf[0] == 'x');
}

/* Unbalanced or hostile input never reads past its end. */
TEST(hostile)
{
	static const char *const bad[] = {
		"<<<<<<<<", ">>>>))))]]]}}}", "f(((((((((", "operator", "a::operator<",
		"x[abi:", "void ", " (", "operator< <", "f<(>)>(", "::::",
	};
	char buf[64], deep[300];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		names_shorten(bad[i], NAMES_BRIEF, buf, sizeof(buf));
		CHECK(strlen(buf) <= strlen(bad[i]) + 3);
		names_shorten(bad[i], NAMES_SHORT, buf, sizeof(buf));
		CHECK(strlen(buf) <= strlen(bad[i]));
	}
	memset(deep, '<', sizeof(deep) - 1);
	deep[0] = 'a';
	deep[sizeof(deep) - 1] = 0;
	names_shorten(deep, NAMES_SHORT, buf, sizeof(buf));
	CHECK(!strcmp(buf, "a<>") || strlen(buf) < sizeof(buf));
}

TEST(next_scope)
{
	const char *s = "clang::Parser::ParseX<>(...)::{lambda(...)#1}::operator()(...) const";
	const char *p = names_next_scope(s);

	CHECK(p && !strcmp(p, "Parser::ParseX<>(...)::{lambda(...)#1}::operator()(...) const"));
	p = names_next_scope(p);
	CHECK(p && !strcmp(p, "ParseX<>(...)::{lambda(...)#1}::operator()(...) const"));
	p = names_next_scope(p);
	CHECK(p && !strcmp(p, "{lambda(...)#1}::operator()(...) const"));
	p = names_next_scope(p);
	CHECK(p && !strcmp(p, "operator()(...) const"));
	CHECK(!names_next_scope(p));
	/* Scopes inside a parameter list are not the name's. */
	CHECK(!names_next_scope("f(a::b, c::d)"));
	p = names_next_scope("(anonymous namespace)::f(a::b)");
	CHECK(p && !strcmp(p, "f(a::b)"));
}

int main(void)
{
	RUN(forms);
	RUN(small_buffer);
	RUN(hostile);
	RUN(next_scope);
	return CHECK_DONE();
}
