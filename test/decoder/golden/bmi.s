# BMI1/BMI2: the VEX-encoded general-register forms of maps 2 and 3 (VEX.L0; VEX.W picks
# 32/64 bits; B operands are VEX.vvvv). Golden: bmi.txt (scripts/make-golden.ts).
	.text
	andn %ecx,%edx,%eax
	andn (%rdi),%r9d,%r10d
	andn %r15,%r14,%r13
	andn 0x8(%rsp,%rbx,8),%rax,%rdx
	bextr %ecx,%edx,%eax
	bextr %r9d,(%rdi),%r10d
	bextr %rcx,%rdx,%rax
	bextr %r8,0x10(%rip),%r11
# group 17: blsr /1, blsmsk /2, blsi /3; the destination is VEX.vvvv
	blsr %ecx,%eax
	blsr (%rdi),%r12d
	blsr %r9,%rdx
	blsmsk %ecx,%ecx
	blsmsk 0x4(%rsi),%eax
	blsmsk %rbx,%rdx
	blsi %ecx,%eax
	blsi %r15,%r8
	blsi (%rax,%rcx,8),%rsi
	bzhi %ecx,%edx,%eax
	bzhi %r9d,(%rdi),%r10d
	bzhi %rdx,%rax,%rax
	bzhi %r8,-0x8(%rbp),%r11
	pdep %ecx,%edx,%eax
	pdep (%rdi),%r9d,%r10d
	pdep %r15,%r14,%r13
	pext %ecx,%edx,%eax
	pext (%rdi),%r9d,%r10d
	pext %r15,%r14,%r13
	mulx %ecx,%edx,%eax
	mulx (%rdi),%r9d,%r10d
	mulx %r15,%r14,%r13
	mulx 0x18(%rsp),%rax,%rbx
	rorx $0x3,%ecx,%eax
	rorx $0x1f,(%rdi),%r10d
	rorx $0x3f,%r15,%r13
	rorx $0x11,0x20(%rsi),%rax
	sarx %eax,%r8d,%eax
	sarx %ecx,(%rdi),%edx
	sarx %r9,%rax,%rbx
	shlx %ecx,%r8d,%ecx
	shlx %r15,0x8(%rsi),%r14
	shrx %edi,%eax,%eax
	shrx %rsi,%rax,%rax
	shrx %r10d,-0x4(%rbp,%rcx,4),%r11d
	nop
