package typeset

import (
	"os"
	"path/filepath"
	"strings"
)

// officialNames are the files of the official faces as Windows and the
// 方正 installers name them, for each role, in order of preference.
var officialNames = [numRoles][]string{
	RoleBody:  {"simfang.ttf"},                                               // 仿宋
	RoleHei:   {"simhei.ttf"},                                                // 黑体
	RoleKai:   {"simkai.ttf"},                                                // 楷体
	RoleTitle: {"FZXBSJW.TTF", "方正小标宋简体.ttf", "方正小标宋_GBK.ttf", "FZXBSK.TTF"}, // 方正小标宋
	RoleSong:  {"simsun.ttc#0"},                                              // 宋体
}

// OfficialFiles fills the roles files leaves empty with the official faces
// found in dirs (FontDirs: on Windows the Fonts folder has 仿宋 simfang.ttf,
// 黑体 simhei.ttf, 楷体 simkai.ttf and 宋体 simsun.ttc; 方正小标宋 when
// installed), matching file names without regard to case. Roles still
// empty use the embedded faces.
func OfficialFiles(files FontFiles, dirs []string) FontFiles {
	find := func(role Role) string {
		for _, dir := range dirs {
			entries, err := os.ReadDir(dir)
			if err != nil {
				continue
			}
			for _, want := range officialNames[role] {
				name, face, _ := strings.Cut(want, "#")
				for _, e := range entries {
					if !e.IsDir() && strings.EqualFold(e.Name(), name) {
						p := filepath.Join(dir, e.Name())
						if face != "" {
							p += "#" + face
						}
						return p
					}
				}
			}
		}
		return ""
	}
	fill := func(s *string, role Role) {
		if strings.TrimSpace(*s) == "" {
			*s = find(role)
		}
	}
	fill(&files.Body, RoleBody)
	fill(&files.Hei, RoleHei)
	fill(&files.Kai, RoleKai)
	fill(&files.Title, RoleTitle)
	fill(&files.Song, RoleSong)
	return files
}

// roleNames are the roles as a clerk calls them.
var roleNames = [numRoles]string{RoleBody: "正文", RoleTitle: "标题", RoleHei: "黑体", RoleKai: "楷体", RoleSong: "页码"}

// Describe says which face each role uses, and which faces of the machine
// give characters the others lack, for the build to tell the clerk:
// "正文 simfang.ttf、标题 内置 Noto Serif CJK SC Bold、…、生僻字“𠀋” …/HanaMinB.ttf".
func (fs *FontSet) Describe() string {
	parts := make([]string, 0, numRoles)
	for _, role := range []Role{RoleBody, RoleTitle, RoleHei, RoleKai, RoleSong} {
		parts = append(parts, roleNames[role]+" "+fs.roles[role].label)
	}
	for _, f := range fs.extra {
		if len(f.runes) > 0 {
			parts = append(parts, "生僻字“"+string(f.runes)+"” "+f.label)
		}
	}
	return strings.Join(parts, "、")
}
