/*
 * docs: the manual page and the bash and zsh completions, from the tables.
 *
 * Every option, key binding, view and metric the manual lists comes from the
 * table the program runs on, in that table's order and with its text; only
 * the prose around them (exit statuses, environment) is written here.  The
 * manual's texts equal those of `memtui --help` and of the help screen, so a
 * test can find each of those lines in it.  The completions offer, after
 * `memtui`, `memtui report` and `memtui diff`, the options the option's group
 * says apply to that command (report offers the diff's too: --diff turns it
 * into one), and complete values from the option's complete field.
 */
#include "docs.h"

#include <stdbool.h>
#include <string.h>

#include "key_help.h"
#include "keys.h"
#include "metric.h"
#include "options.h"
#include "views.h"

#define TEXT_MAX 512	/* bytes of one help text with its lists filled in */

/* roff text: hyphens and quotes stay ASCII (they are typed), a leading '.' or '\'' is text. */
static void roff(FILE *out, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", out);
	for (; *s; s++) {
		switch (*s) {
		case '\\':
			fputs("\\e", out);
			break;
		case '-':
			fputs("\\-", out);
			break;
		case '\'':
			fputs("\\(aq", out);
			break;
		case '`':
			fputs("\\(ga", out);
			break;
		case '^':
			fputs("\\(ha", out);
			break;
		case '~':
			fputs("\\(ti", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

static void roff_font(FILE *out, char font, const char *s)
{
	fprintf(out, "\\f%c", font);
	roff(out, s);
	fputs("\\fR", out);
}

/* A command line of the synopsis: literal words bold, upper-case placeholders italic. */
static void man_command(FILE *out, const char *args)
{
	char word[64];

	roff_font(out, 'B', "memtui");
	while (*args) {
		size_t n = strcspn(args, " ");
		bool bracket = args[0] == '[' && n > 2 && args[n - 1] == ']';
		const char *w = bracket ? args + 1 : args;
		size_t wn = bracket ? n - 2 : n;

		snprintf(word, sizeof(word), "%.*s", (int)wn, w);
		fputs(bracket ? " [" : " ", out);
		roff_font(out, strspn(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == wn ? 'I' : 'B', word);
		if (bracket)
			fputc(']', out);
		args += n + strspn(args + n, " ");
	}
	fputc('\n', out);
}

/* The left column of an option as in the usage: "-h, --help", "--format FMT". */
static void man_option_tag(FILE *out, const struct option_spec *o)
{
	if (o->alias && o->alias[1] != '-') {
		roff_font(out, 'B', o->alias);
		fputs(", ", out);
	}
	roff_font(out, 'B', o->name);
	if (o->value) {
		fputc(' ', out);
		roff_font(out, 'I', o->value);
	}
	fputc('\n', out);
}

static void man_options(FILE *out)
{
	size_t n_groups, n;
	const struct option_group *groups = options_groups(&n_groups);
	const struct option_spec *t = options_table(&n);
	char help[TEXT_MAX];

	fputs(".SH OPTIONS\n", out);
	for (size_t g = 0; g < n_groups; g++) {
		fputs(".SS \"", out);
		roff(out, groups[g].what);
		if (groups[g].commands) {
			fputs(" (", out);
			roff(out, groups[g].commands);
			fputc(')', out);
		}
		fputs("\"\n", out);
		for (size_t i = 0; i < n; i++) {
			if (t[i].group != &groups[g])
				continue;
			fputs(".TP\n", out);
			man_option_tag(out, &t[i]);
			roff(out, options_help(&t[i], ' ', help, sizeof(help)));
			fputc('\n', out);
		}
	}
}

/* The most numbered views either explorer has. */
static int max_views(void)
{
	int one = views_count(VIEWS_ONE_CAPTURE), two = views_count(VIEWS_TWO_CAPTURES);

	return one > two ? one : two;
}

static void man_keys(FILE *out)
{
	size_t n;
	const struct key_binding *t = keys_table(&n);
	char name[32], help[TEXT_MAX], one[200], two[200], views[420];

	snprintf(views, sizeof(views), "%s; memtui A B: %s",
		 views_list(VIEWS_ONE_CAPTURE, one, sizeof(one)),
		 views_list(VIEWS_TWO_CAPTURES, two, sizeof(two)));
	fputs(".SH KEYS\n"
	      "The explorer's keys; \\fB?\\fR or \\fBF1\\fR shows the same table on the screen.\n"
	      "Keys that share a line do the same.\n",
	      out);
	for (size_t k = 0; k < n; k++) {
		const char *sep = "";

		if (!t[k].help)
			continue;
		fputs(".TP\n\\fB", out);
		for (size_t j = k; j < n && (j == k || !t[j].help); j++) {
			if (!key_help_shown(&t[j], max_views()))
				continue;
			fputs(sep, out);
			sep = " ";
			roff(out, keys_name(t[j].key, name, sizeof(name)));
		}
		fputs("\\fR\n", out);
		roff(out, key_help_text(&t[k], views, help, sizeof(help)));
		fputc('\n', out);
	}
}

static void man_metrics(FILE *out)
{
	fputs(".SH METRICS\n"
	      "What a tree weighs: \\fB\\-\\-metric\\fR in the report,\n"
	      "\\fBm\\fR in the explorer.\n",
	      out);
	for (int m = 0; m < N_METRICS; m++) {
		fputs(".TP\n", out);
		roff_font(out, 'B', metric_name((enum metric)m));
		fputc('\n', out);
		roff(out, metric_title((enum metric)m));
		fputc('\n', out);
	}
}

static const char man_tail[] =
	".SH EXIT STATUS\n"
	".TP\n0\nsuccess\n"
	".TP\n1\n\\fB\\-\\-fail\\-if\\-growth\\fR: the capture grew beyond the threshold\n"
	".TP\n2\nbad input or usage: one line on standard error says what is wrong\n"
	".TP\n130\nthe user cancelled a load (Ctrl\\-C, q or Esc)\n"
	".SH ENVIRONMENT\n"
	".TP\n\\fBNO_COLOR\\fR\nwhen set, the explorer draws without colours "
	"(reverse video and bold only)\n"
	".TP\n\\fBTERM\\fR\nthe terminal the explorer draws on\n"
	".TP\n\\fBLANG\\fR, \\fBLC_ALL\\fR, \\fBLC_CTYPE\\fR\n"
	"a UTF\\-8 locale gives block glyphs; other locales draw in ASCII\n"
	".SH SEE ALSO\n"
	".BR memray (1),\n"
	".BR heaptrack (1),\n"
	".BR heaptrack_print (1)\n";

void docs_write_man(FILE *out, const char *version)
{
	size_t n;
	const struct option_synopsis *syn = options_synopsis(&n);

	fputs(".\\\" memtui(1), written by memtui-docgen (src/cli/docs.c) from the option,\n"
	      ".\\\" key, view and metric tables of the program: edit those, not this file.\n",
	      out);
	fprintf(out, ".TH MEMTUI 1 \"\" \"memtui %s\" \"User Commands\"\n.nh\n.ad l\n", version);
	fputs(".SH NAME\nmemtui \\- terminal memory explorer for memray and heaptrack captures\n"
	      ".SH SYNOPSIS\n.nf\n",
	      out);
	for (size_t i = 0; i < n; i++)
		man_command(out, syn[i].args);
	fputs(".fi\n.SH DESCRIPTION\n", out);
	roff(out, options_description());
	fputc('\n', out);
	for (size_t i = 0; i < n; i++) {
		fputs(".TP\n", out);
		man_command(out, syn[i].args);
		roff(out, syn[i].what);
		fputc('\n', out);
	}
	fputs(".PP\nThe explorer needs a terminal (80x24 is enough); with \\fB\\-\\-replay\\fR it\n"
	      "prints the last screen as text instead.  The report writes to standard output.\n",
	      out);
	man_options(out);
	man_keys(out);
	man_metrics(out);
	fputs(man_tail, out);
}

/* The options of the commands in mask, names and short aliases, space separated. */
static void option_words(FILE *out, unsigned mask)
{
	size_t n;
	const struct option_spec *t = options_table(&n);
	const char *sep = "";

	for (size_t i = 0; i < n; i++) {
		if (!(t[i].group->applies & mask))
			continue;
		if (t[i].alias && t[i].alias[1] != '-') {
			fprintf(out, "%s%s", sep, t[i].alias);
			sep = " ";
		}
		fprintf(out, "%s%s", sep, t[i].name);
		sep = " ";
	}
}

static const char bash_head[] =
	"# bash completion for memtui(1), written by memtui-docgen (src/cli/docs.c)\n"
	"# from memtui's option table: edit that, not this file.\n"
	"_memtui()\n"
	"{\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= cmd=explore i\n"
	"\n"
	"\t((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
	"\t# --name=VALUE: bash splits the word at '='.\n"
	"\tif [[ $cur == = ]]; then\n"
	"\t\tcur=\n"
	"\telif [[ $prev == = ]] && ((COMP_CWORD > 1)); then\n"
	"\t\tprev=${COMP_WORDS[COMP_CWORD - 2]}\n"
	"\tfi\n"
	"\tcase ${COMP_WORDS[1]} in\n"
	"\treport) cmd=report ;;\n"
	"\tdiff) cmd=diff ;;\n"
	"\tconvert) cmd=convert ;;\n"
	"\trecord) cmd=record ;;\n"
	"\taddr2line) cmd=addr2line ;;\n"
	"\tesac\n"
	"\tif [[ $cmd == report ]]; then\n"
	"\t\tfor ((i = 2; i < COMP_CWORD; i++)); do\n"
	"\t\t\t[[ ${COMP_WORDS[i]} == --diff ]] && cmd=diff\n"
	"\t\tdone\n"
	"\tfi\n"
	"\tCOMPREPLY=()\n"
	"\tcase $prev in\n";

static const char bash_tail[] =
	"\t\tmapfile -t COMPREPLY < <(compgen -W \"$opts\" -- \"$cur\")\n"
	"\t\treturn\n"
	"\tfi\n"
	"\tmapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
	"\t((COMP_CWORD == 1)) &&\n"
	"\t\tCOMPREPLY+=($(compgen -W 'report diff convert record addr2line' -- \"$cur\"))\n"
	"}\n"
	"complete -o filenames -F _memtui memtui\n";

/* The case labels of option o in $prev: "--metric|--view". */
static void bash_labels(FILE *out, const struct option_spec *o)
{
	fprintf(out, "\t%s%s%s)", o->name, o->alias ? "|" : "", o->alias ? o->alias : "");
}

void docs_write_bash(FILE *out)
{
	size_t n;
	const struct option_spec *t = options_table(&n);
	char words[TEXT_MAX];
	bool free_text = false;

	fputs(bash_head, out);
	for (size_t i = 0; i < n; i++) {
		if (!t[i].value || !t[i].complete)
			continue;
		bash_labels(out, &t[i]);
		if (!strcmp(t[i].complete, "{dir}"))
			fputs("\n\t\tmapfile -t COMPREPLY < <(compgen -d -- \"$cur\")\n", out);
		else if (!strcmp(t[i].complete, "{file}"))
			fputs("\n\t\tmapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n", out);
		else
			fprintf(out,
				"\n\t\tmapfile -t COMPREPLY < <(compgen -W '%s' -- \"$cur\")\n",
				options_complete_words(&t[i], words, sizeof(words)));
		fputs("\t\treturn\n\t\t;;\n", out);
	}
	/* Values nothing can be proposed for: no file names either. */
	for (size_t i = 0; i < n; i++) {
		if (!t[i].value || t[i].complete)
			continue;
		fprintf(out, "%s%s%s%s", free_text ? "|" : "\t", t[i].name, t[i].alias ? "|" : "",
			t[i].alias ? t[i].alias : "");
		free_text = true;
	}
	if (free_text)
		fputs(")\n\t\treturn\n\t\t;;\n", out);
	fputs("\tesac\n\tif [[ $cur == -* ]]; then\n\t\tlocal opts\n\t\tcase $cmd in\n", out);
	fputs("\t\texplore) opts='", out);
	option_words(out, FOR_EXPLORE);
	fputs("' ;;\n\t\treport) opts='", out);
	option_words(out, FOR_REPORT | FOR_DIFF);
	fputs("' ;;\n\t\tdiff) opts='", out);
	option_words(out, FOR_DIFF);
	fputs("' ;;\n\t\tconvert) opts='", out);
	option_words(out, FOR_CONVERT);
	fputs("' ;;\n\t\trecord) opts='", out);
	option_words(out, FOR_RECORD);
	fputs("' ;;\n\t\taddr2line) opts='", out);
	option_words(out, FOR_ADDR2LINE);
	fputs("' ;;\n\t\tesac\n", out);
	fputs(bash_tail, out);
}

/* s inside a zsh single-quoted _arguments description: no quote, brackets or colon. */
static void zsh_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else if (*s == '[' || *s == ']' || *s == ':' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else
			fputc(*s, out);
	}
}

/* The _arguments specs of the options of the commands in mask, one per line. */
static void zsh_specs(FILE *out, const char *array, unsigned mask)
{
	size_t n;
	const struct option_spec *t = options_table(&n);
	char help[TEXT_MAX], words[TEXT_MAX];

	fprintf(out, "%s=(\n", array);
	for (size_t i = 0; i < n; i++) {
		const struct option_spec *o = &t[i];
		bool short_alias = o->alias && o->alias[1] != '-';

		if (!(o->group->applies & mask))
			continue;
		options_help(o, ' ', help, sizeof(help));
		if (short_alias)
			fprintf(out, "\t'(%s %s)'{%s,%s}'", o->alias, o->name, o->alias, o->name);
		else
			fprintf(out, "\t'*%s%s", o->name, o->value ? "=" : "");
		fputc('[', out);
		zsh_text(out, help);
		fputc(']', out);
		if (o->value) {
			fputc(':', out);
			zsh_text(out, o->value);
			if (!o->complete)
				fputs(": ", out);
			else if (!strcmp(o->complete, "{dir}"))
				fputs(":_files -/", out);
			else if (!strcmp(o->complete, "{file}"))
				fputs(":_files", out);
			else
				fprintf(out, ":(%s)",
					options_complete_words(o, words, sizeof(words)));
		}
		fputs("'\n", out);
	}
	fputs(")\n", out);
}

static const char zsh_tail[] =
	"local cmd=explore\n"
	"case $words[2] in\n"
	"report) cmd=report ;;\n"
	"diff) cmd=diff ;;\n"
	"convert) cmd=convert ;;\n"
	"record) cmd=record ;;\n"
	"addr2line) cmd=addr2line ;;\n"
	"esac\n"
	"if [[ $cmd == report ]] && (( ${words[(I)--diff]} )); then\n"
	"\tcmd=diff\n"
	"fi\n"
	"if [[ $cmd == explore ]]; then\n"
	"\t_arguments -s -S : $explore '1: :->first' '*:capture:_files' && return\n"
	"\t[[ $state == first ]] &&\n"
	"\t\t_alternative 'commands:command:(report diff convert record addr2line)' \\\n"
	"\t\t'files:capture:_files'\n"
	"\treturn\n"
	"fi\n"
	"shift words\n"
	"(( CURRENT-- ))\n"
	"if [[ $cmd == diff ]]; then\n"
	"\t_arguments -s -S : $diff '*:capture:_files'\n"
	"elif [[ $cmd == convert ]]; then\n"
	"\t_arguments -s -S : $convert '*:capture:_files'\n"
	"elif [[ $cmd == record ]]; then\n"
	"\t_arguments -s -S : $record '(-)1:command:_command_names -e' '*::arguments:_normal'\n"
	"elif [[ $cmd == addr2line ]]; then\n"
	"\t_arguments -s -S : $addr2line '*:address: '\n"
	"else\n"
	"\t_arguments -s -S : $report '*:capture:_files'\n"
	"fi\n";

void docs_write_zsh(FILE *out)
{
	fputs("#compdef memtui\n"
	      "# zsh completion for memtui(1), written by memtui-docgen (src/cli/docs.c)\n"
	      "# from memtui's option table: edit that, not this file.\n"
	      "local state\n"
	      "local -a explore report diff convert record addr2line\n",
	      out);
	zsh_specs(out, "explore", FOR_EXPLORE);
	zsh_specs(out, "report", FOR_REPORT | FOR_DIFF);
	zsh_specs(out, "diff", FOR_DIFF);
	zsh_specs(out, "convert", FOR_CONVERT);
	zsh_specs(out, "record", FOR_RECORD);
	zsh_specs(out, "addr2line", FOR_ADDR2LINE);
	fputs(zsh_tail, out);
}
